using SaasPlatform.Messaging.Database;
using SaasPlatform.Messaging.Outbox;

namespace Events.Worker.Data;

/// <summary>
/// The worker's own database (<c>eventsdb</c>): the inbox that makes handling idempotent, the stored audit log, and an
/// outbox so handlers can emit follow-up events atomically with their inbox row.
/// </summary>
public sealed class EventsDbContext(DbContextOptions<EventsDbContext> options) : DbContext(options)
{
    public DbSet<InboxEvent> Inbox => Set<InboxEvent>();

    public DbSet<AuditRecord> AuditRecords => Set<AuditRecord>();

    public DbSet<TenantExport> TenantExports => Set<TenantExport>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<InboxEvent>(e =>
        {
            e.ToTable("inbox_events");
            e.HasKey(i => new { i.EventId, i.Handler }).HasName("pk_inbox_events");
            e.Property(i => i.Handler).HasMaxLength(200);
            e.Property(i => i.Topic).HasMaxLength(249);
            e.Property(i => i.Outcome).HasMaxLength(32);
            e.Property(i => i.Detail).HasMaxLength(2000);
            e.HasIndex(i => i.HandledAt).HasDatabaseName("ix_inbox_events_handled_at");
        });

        modelBuilder.Entity<AuditRecord>(e =>
        {
            e.ToTable("audit_records");
            e.HasKey(a => a.Id).HasName("pk_audit_records");
            e.Property(a => a.Id).ValueGeneratedNever();
            e.Property(a => a.Action).HasMaxLength(100);
            e.Property(a => a.ResourceType).HasMaxLength(100);
            e.Property(a => a.ResourceId).HasMaxLength(200);
            e.Property(a => a.Details).HasColumnType("jsonb");
            // A tenant's log, newest first, paged.
            e.HasIndex(a => new { a.TenantId, a.OccurredAt, a.Id }).IsDescending(false, true, true)
                .HasDatabaseName("ix_audit_records_tenant_occurred");
            // The operators' security log, newest first (Features/Audit/SecurityLog.cs).
            e.HasIndex(a => new { a.OccurredAt, a.Id }).IsDescending(true, true)
                .HasFilter(Features.Audit.SecurityLog.Filter)
                .HasDatabaseName(Features.Audit.SecurityLog.IndexName);
        });

        modelBuilder.ApplyConfiguration(new TenantExportConfiguration());
        modelBuilder.AddOutbox();
        modelBuilder.UseSnakeCaseColumns();
    }
}
