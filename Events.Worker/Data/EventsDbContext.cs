using Microsoft.EntityFrameworkCore;
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
            e.Property(i => i.EventId).HasColumnName("event_id");
            e.Property(i => i.Handler).HasColumnName("handler").HasMaxLength(200);
            e.Property(i => i.Topic).HasColumnName("topic").HasMaxLength(249);
            e.Property(i => i.TenantId).HasColumnName("tenant_id");
            e.Property(i => i.Partition).HasColumnName("partition");
            e.Property(i => i.Offset).HasColumnName("offset");
            e.Property(i => i.Outcome).HasColumnName("outcome").HasMaxLength(32);
            e.Property(i => i.Detail).HasColumnName("detail").HasMaxLength(2000);
            e.Property(i => i.Attempts).HasColumnName("attempts");
            e.Property(i => i.OccurredAt).HasColumnName("occurred_at");
            e.Property(i => i.HandledAt).HasColumnName("handled_at");
            e.HasIndex(i => i.HandledAt).HasDatabaseName("ix_inbox_events_handled_at");
        });

        modelBuilder.Entity<AuditRecord>(e =>
        {
            e.ToTable("audit_records");
            e.HasKey(a => a.Id).HasName("pk_audit_records");
            e.Property(a => a.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(a => a.TenantId).HasColumnName("tenant_id");
            e.Property(a => a.UserId).HasColumnName("user_id");
            e.Property(a => a.Action).HasColumnName("action").HasMaxLength(100);
            e.Property(a => a.ResourceType).HasColumnName("resource_type").HasMaxLength(100);
            e.Property(a => a.ResourceId).HasColumnName("resource_id").HasMaxLength(200);
            e.Property(a => a.Details).HasColumnName("details").HasColumnType("jsonb");
            e.Property(a => a.OccurredAt).HasColumnName("occurred_at");
            e.Property(a => a.RecordedAt).HasColumnName("recorded_at");
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
    }
}
