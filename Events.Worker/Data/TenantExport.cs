using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Events.Worker.Data;

/// <summary>
/// One export of a tenant (table <c>tenant_exports</c>): requested by an admin, written by
/// <see cref="Features.Exports.ExportTenant"/> to <see cref="ObjectKey"/> (docs/decisions/tenant-export-import.md).
/// </summary>
public sealed class TenantExport
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public required string TenantName { get; set; }

    public required string DatabaseName { get; set; }

    /// <summary>The admin who asked; the one notified when it is ready.</summary>
    public Guid RequestedBy { get; set; }

    /// <summary><see cref="TenantExportStatus"/>.</summary>
    public required string Status { get; set; }

    public required string ObjectKey { get; set; }

    public long? SizeBytes { get; set; }

    public int? DocumentCount { get; set; }

    public int? FileCount { get; set; }

    public int Attempts { get; set; }

    public string? Error { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>An export's state: pending until the worker starts, running (again after a restart), ready or failed.</summary>
public static class TenantExportStatus
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Ready = "ready";
    public const string Failed = "failed";
}

internal sealed class TenantExportConfiguration : IEntityTypeConfiguration<TenantExport>
{
    public void Configure(EntityTypeBuilder<TenantExport> e)
    {
        e.ToTable("tenant_exports");
        e.HasKey(x => x.Id).HasName("pk_tenant_exports");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(x => x.TenantId).HasColumnName("tenant_id");
        e.Property(x => x.TenantName).HasColumnName("tenant_name").HasMaxLength(255);
        e.Property(x => x.DatabaseName).HasColumnName("database_name").HasMaxLength(63);
        e.Property(x => x.RequestedBy).HasColumnName("requested_by");
        e.Property(x => x.Status).HasColumnName("status").HasMaxLength(16);
        e.Property(x => x.ObjectKey).HasColumnName("object_key").HasMaxLength(500);
        e.Property(x => x.SizeBytes).HasColumnName("size_bytes");
        e.Property(x => x.DocumentCount).HasColumnName("document_count");
        e.Property(x => x.FileCount).HasColumnName("file_count");
        e.Property(x => x.Attempts).HasColumnName("attempts");
        e.Property(x => x.Error).HasColumnName("error").HasMaxLength(2000);
        e.Property(x => x.RequestedAt).HasColumnName("requested_at");
        e.Property(x => x.StartedAt).HasColumnName("started_at");
        e.Property(x => x.CompletedAt).HasColumnName("completed_at");
        // A tenant's exports, newest first.
        e.HasIndex(x => new { x.TenantId, x.RequestedAt }).IsDescending(false, true).HasDatabaseName("ix_tenant_exports_tenant_requested");
    }
}
