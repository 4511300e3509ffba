using SaasPlatform.Messaging.Database;

namespace Tenancy.Api.Data;

/// <summary>tenancydb: tenants and their members (contract §3.1).</summary>
public sealed class TenancyDbContext(DbContextOptions<TenancyDbContext> options) : DbContext(options)
{
    public DbSet<Tenant> Tenants => Set<Tenant>();

    public DbSet<Membership> Memberships => Set<Membership>();

    public DbSet<TenantQuota> TenantQuotas => Set<TenantQuota>();

    public DbSet<DatabaseServer> DatabaseServers => Set<DatabaseServer>();

    public DbSet<Invitation> Invitations => Set<Invitation>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Tenant>(tenant =>
        {
            tenant.ToTable("tenants", t => t.HasCheckConstraint("ck_tenants_status", "status IN ('provisioning','active')"));
            tenant.HasKey(t => t.Id).HasName("pk_tenants");
            tenant.Property(t => t.Name).HasMaxLength(Tenant.NameMaxLength);
            tenant.Property(t => t.DatabaseName).HasMaxLength(63);
            tenant.Property(t => t.Status).HasMaxLength(20);
            tenant.Property(t => t.SchemaVersion).HasMaxLength(150);
            // Existing rows (and any insert that names no server) are on main: a single-server platform needs no change.
            tenant.Property(t => t.Server).HasMaxLength(DatabaseServer.NameMaxLength).HasDefaultValue(SaasPlatform.TenantConnections.TenantServers.Main);
            tenant.HasOne<DatabaseServer>().WithMany().HasForeignKey(t => t.Server).HasPrincipalKey(s => s.Name)
                .OnDelete(DeleteBehavior.Restrict).HasConstraintName("fk_tenants_server");
            // The placement policy counts tenants per server.
            tenant.HasIndex(t => t.Server).HasDatabaseName("ix_tenants_server");
            tenant.HasIndex(t => t.DatabaseName).IsUnique().HasDatabaseName("ux_tenants_database_name");
            tenant.HasIndex(t => new { t.Name, t.IsActive }).HasDatabaseName("ix_tenants_name_active");
            // The quota counts (active tenants and recent creations of one user).
            tenant.HasIndex(t => new { t.CreatedBy, t.CreatedAt }).HasDatabaseName("ix_tenants_created_by_created_at");
        });

        modelBuilder.Entity<Membership>(membership =>
        {
            membership.ToTable("user_tenant_associations", t => t.HasCheckConstraint("valid_role_check", "role IN ('admin','user','viewer')"));
            membership.HasKey(m => new { m.UserId, m.TenantId }).HasName("pk_user_tenant_associations");
            membership.Property(m => m.Role).HasMaxLength(50)
                .HasConversion(role => role.ToWire(), value => TenantRoles.Parse(value));
            membership.HasOne(m => m.Tenant).WithMany(t => t.Members).HasForeignKey(m => m.TenantId)
                .OnDelete(DeleteBehavior.Cascade).HasConstraintName("fk_user_tenant_associations_tenant_id");
            membership.HasIndex(m => m.UserId).HasDatabaseName("ix_user_tenant_associations_user_id");
            membership.HasIndex(m => m.TenantId).HasDatabaseName("ix_user_tenant_associations_tenant_id");
            membership.HasIndex(m => m.Role).HasDatabaseName("ix_user_tenant_associations_role");
        });

        modelBuilder.Entity<TenantQuota>(quota =>
        {
            quota.ToTable("tenant_quotas");
            quota.HasKey(q => q.UserId).HasName("pk_tenant_quotas");
        });

        modelBuilder.Entity<DatabaseServer>(server =>
        {
            server.ToTable("database_servers");
            server.HasKey(s => s.Name).HasName("pk_database_servers");
            server.Property(s => s.Name).HasMaxLength(DatabaseServer.NameMaxLength);
        });

        modelBuilder.Entity<Invitation>(invitation =>
        {
            invitation.ToTable("invitations", t => t.HasCheckConstraint("ck_invitations_role", "role IN ('admin','user','viewer')"));
            invitation.HasKey(i => i.Id).HasName("pk_invitations");
            invitation.Property(i => i.Id).ValueGeneratedNever();
            invitation.Property(i => i.Email).HasMaxLength(Invitation.EmailMaxLength);
            invitation.Property(i => i.Role).HasMaxLength(50).HasConversion(role => role.ToWire(), value => TenantRoles.Parse(value));
            invitation.Property(i => i.TokenHash).HasMaxLength(64);
            invitation.Property(i => i.AcceptedAt).IsConcurrencyToken();
            invitation.Property(i => i.RevokedAt).IsConcurrencyToken();
            invitation.HasOne(i => i.Tenant).WithMany().HasForeignKey(i => i.TenantId)
                .OnDelete(DeleteBehavior.Cascade).HasConstraintName("fk_invitations_tenant_id");
            invitation.HasIndex(i => i.TokenHash).IsUnique().HasDatabaseName("ux_invitations_token_hash");
            // The list (newest first), the hourly count and the lookup of an address's pending invitation.
            invitation.HasIndex(i => new { i.TenantId, i.CreatedAt }).HasDatabaseName("ix_invitations_tenant_id_created_at");
            invitation.HasIndex(i => new { i.TenantId, i.Email }).HasDatabaseName("ix_invitations_tenant_id_email");
        });

        modelBuilder.AddOutbox();
        modelBuilder.UseSnakeCaseColumns();
    }
}
