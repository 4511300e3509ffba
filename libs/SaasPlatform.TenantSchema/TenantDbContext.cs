using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SaasPlatform.Messaging.Database;
using SaasPlatform.Messaging.Outbox;

namespace SaasPlatform.TenantSchema;

/// <summary>
/// The schema of every tenant database (contract §3.2, decisions D8 and D10). Contexts are handed out by
/// <see cref="TenantDbContextFactory.CreateDbContextAsync"/>, on the tenant's pooled data source;
/// the migrations in <c>Migrations/</c> are applied to the template database and to every tenant by Tenancy.Api.
/// </summary>
public class TenantDbContext : DbContext
{
    private readonly TimeProvider _time;
    private IDisposable? _lease;

    public TenantDbContext(DbContextOptions<TenantDbContext> options)
        : this(options, TimeProvider.System)
    {
    }

    public TenantDbContext(DbContextOptions<TenantDbContext> options, TimeProvider time)
        : base(options)
    {
        _time = time;
    }

    public DbSet<StoredFile> Files => Set<StoredFile>();

    public DbSet<Document> Documents => Set<Document>();

    /// <summary>
    /// PostgreSQL's <c>jsonb || jsonb</c>: <paramref name="target"/> with the keys of <paramref name="patch"/> set. For
    /// queries and <c>ExecuteUpdate</c> only (a merge in one statement, without reading the row first).
    /// </summary>
    public static string JsonbConcat(string target, JsonElement patch) => throw new InvalidOperationException("Translated to SQL only");

    /// <summary>Keeps the tenant's data source alive (not evicted) for as long as this context lives.</summary>
    internal void HoldLease(IDisposable lease) => _lease = lease;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // Trusted since PostgreSQL 13: the tenant database's owner (tenant_provisioner) may create it.
        modelBuilder.HasPostgresExtension("pg_trgm");

        modelBuilder.Entity<StoredFile>(file =>
        {
            file.ToTable("files", t => t.HasCheckConstraint("ck_files_file_size_positive", "file_size > 0"));
            file.HasKey(f => f.Id).HasName("pk_files");
            file.Property(f => f.Md5Hash).HasMaxLength(StoredFile.Md5Length).IsFixedLength(false);
            file.Property(f => f.Sha256Hash).HasMaxLength(StoredFile.Sha256Length);
            file.Property(f => f.S3Path).HasMaxLength(StoredFile.S3PathMaxLength);
            file.Property(f => f.FileMetadata).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");

            file.HasIndex(f => f.Sha256Hash).IsUnique().HasDatabaseName("ux_files_sha256_hash");
            file.HasIndex(f => f.S3Path).IsUnique().HasDatabaseName("ux_files_s3_path");
            file.HasIndex(f => f.Md5Hash).HasDatabaseName("ix_files_md5_hash");
            file.HasIndex(f => f.CreatedAt).HasDatabaseName("ix_files_created_at");
            file.HasIndex(f => f.FileMetadata).HasMethod("gin").HasDatabaseName("ix_files_metadata");
            // The collector only ever looks at orphans: keep that index small.
            file.HasIndex(f => f.OrphanedAt).HasFilter("orphaned_at IS NOT NULL").HasDatabaseName("ix_files_orphaned_at");
        });

        modelBuilder.Entity<Document>(document =>
        {
            document.ToTable("documents", t => t.HasCheckConstraint("ck_documents_file_size_positive", "file_size > 0"));
            document.HasKey(d => d.Id).HasName("pk_documents");
            document.Property(d => d.Filename).HasMaxLength(Document.FilenameMaxLength);
            document.Property(d => d.MimeType).HasMaxLength(Document.MimeTypeMaxLength);
            document.Property(d => d.FilenameLower).HasColumnType("text").HasComputedColumnSql("lower(filename)", stored: true);
            document.HasOne(d => d.File).WithMany(f => f.Documents).HasForeignKey(d => d.FileId)
                .OnDelete(DeleteBehavior.Restrict).HasConstraintName("fk_documents_file_id");

            document.HasIndex(d => d.Filename).HasDatabaseName("ix_documents_filename");
            document.HasIndex(d => new { d.UserId, d.Filename }).HasDatabaseName("ix_documents_user_filename");
            document.HasIndex(d => d.FileId).HasDatabaseName("ix_documents_file_id");
            document.HasIndex(d => d.UserId).HasDatabaseName("ix_documents_user_id");
            document.HasIndex(d => d.CreatedAt).HasDatabaseName("ix_documents_created_at");
            // The list's filters (docs/decisions/document-search.md): filename contains through trigrams of the lower-cased
            // name, a MIME type newest first or within a size range, size ranges and size order.
            document.HasIndex(d => d.FilenameLower, "ix_documents_filename_lower_trgm").HasMethod("gin").HasOperators("gin_trgm_ops");
            document.HasIndex(d => new { d.MimeType, d.CreatedAt }, "ix_documents_mime_type_created_at");
            document.HasIndex(d => new { d.MimeType, d.FileSize }, "ix_documents_mime_type_file_size");
            document.HasIndex(d => d.FileSize, "ix_documents_file_size");
        });

        // Events about tenant data (document.uploaded, ...) commit with the change in the tenant's own database.
        modelBuilder.AddOutbox();

        var jsonbConcat = modelBuilder.HasDbFunction(typeof(TenantDbContext).GetMethod(nameof(JsonbConcat))!).HasName("jsonb_concat").HasStoreType("jsonb");
        jsonbConcat.HasParameter("target").HasStoreType("jsonb");
        jsonbConcat.HasParameter("patch").HasStoreType("jsonb");
        modelBuilder.UseSnakeCaseColumns();
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampTimes();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampTimes();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override void Dispose()
    {
        base.Dispose();
        Interlocked.Exchange(ref _lease, null)?.Dispose();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Interlocked.Exchange(ref _lease, null)?.Dispose();
    }

    private void StampTimes()
    {
        var now = _time.GetUtcNow();
        foreach (var entry in ChangeTracker.Entries<TenantEntity>())
        {
            if (entry.State == EntityState.Added)
            {
                if (entry.Entity.CreatedAt == default)
                {
                    entry.Entity.CreatedAt = now;
                }

                entry.Entity.UpdatedAt = entry.Entity.CreatedAt > now ? entry.Entity.CreatedAt : now;
            }
            else if (entry.State == EntityState.Modified)
            {
                entry.Entity.UpdatedAt = now;
            }
        }
    }
}
