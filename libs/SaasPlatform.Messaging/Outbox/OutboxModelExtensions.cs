using Microsoft.EntityFrameworkCore;

namespace SaasPlatform.Messaging.Outbox;

public static class OutboxModelExtensions
{
    public const string TableName = "outbox_messages";

    /// <summary>
    /// Adds the <c>outbox_messages</c> table to any DbContext's model (call it in <c>OnModelCreating</c>, then add a
    /// migration). Column names are fixed here because <see cref="OutboxPublisher"/> reads the table with plain SQL.
    /// </summary>
    public static ModelBuilder AddOutbox(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxMessage>(e =>
        {
            e.ToTable(TableName);
            e.HasKey(m => m.Id);
            e.Property(m => m.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(m => m.Topic).HasColumnName("topic").HasMaxLength(249).IsRequired();
            e.Property(m => m.Key).HasColumnName("key").HasMaxLength(200).IsRequired();
            e.Property(m => m.Payload).HasColumnName("payload").HasColumnType("jsonb").IsRequired();
            e.Property(m => m.Headers).HasColumnName("headers").HasColumnType("jsonb");
            e.Property(m => m.CreatedAt).HasColumnName("created_at");
            e.Property(m => m.SentAt).HasColumnName("sent_at");
            e.Property(m => m.Attempts).HasColumnName("attempts");
            e.Property(m => m.LastError).HasColumnName("last_error").HasMaxLength(2000);
            // The relay's only query: pending rows in order. Sent rows stay out of the index.
            e.HasIndex(m => m.Id).HasDatabaseName("ix_outbox_messages_pending").HasFilter("sent_at IS NULL");
            e.HasIndex(m => m.SentAt).HasDatabaseName("ix_outbox_messages_sent_at");
        });
        return modelBuilder;
    }
}
