namespace SaasPlatform.TenantSchema;

/// <summary>Columns every tenant table shares (contract §3): id, created_at, updated_at, created_by.</summary>
public abstract class TenantEntity
{
    public Guid Id { get; set; } = Guid.NewGuid();

    /// <summary>Stamped by <see cref="TenantDbContext"/> on insert when left unset.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Stamped by <see cref="TenantDbContext"/> on every insert and update.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    public Guid? CreatedBy { get; set; }
}
