using SaasPlatform.Messaging.Database;

namespace Identity.Api.Data;

public sealed class IdentityDbContext(DbContextOptions<IdentityDbContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();

    public DbSet<Session> Sessions => Set<Session>();

    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();

    public DbSet<Revocation> Revocations => Set<Revocation>();

    public DbSet<LoginFailure> LoginFailures => Set<LoginFailure>();

    public DbSet<AccountToken> AccountTokens => Set<AccountToken>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<User>(user =>
        {
            user.ToTable("users");
            user.Property(u => u.Id).ValueGeneratedNever();
            user.Property(u => u.FirstName).HasMaxLength(100);
            user.Property(u => u.LastName).HasMaxLength(100);
            user.Property(u => u.Email).HasMaxLength(255);
            user.Property(u => u.PasswordHash).HasMaxLength(255);
            user.Property(u => u.IsActive).HasDefaultValue(true);
            user.HasIndex(u => new { u.Email, u.IsActive }).HasDatabaseName("ix_users_email_active");
            // The unique index on lower(email) is created in the migration: EF cannot express expression indexes.
        });

        modelBuilder.Entity<Session>(session =>
        {
            session.ToTable("sessions");
            session.Property(s => s.Id).ValueGeneratedNever();
            session.HasOne<User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
            session.HasIndex(s => s.UserId);
            session.HasIndex(s => s.ExpiresAt);
        });

        modelBuilder.Entity<RefreshToken>(token =>
        {
            token.ToTable("refresh_tokens");
            token.HasKey(t => t.Jti);
            token.Property(t => t.Jti).ValueGeneratedNever();
            token.HasOne<Session>().WithMany(s => s.RefreshTokens).HasForeignKey(t => t.SessionId).OnDelete(DeleteBehavior.Cascade);
            token.HasIndex(t => t.SessionId);
            token.HasIndex(t => t.ExpiresAt);
        });

        modelBuilder.Entity<Revocation>(revocation =>
        {
            revocation.ToTable("revocations");
            revocation.Property(r => r.Id).UseIdentityAlwaysColumn();
            revocation.Property(r => r.Kind).HasMaxLength(16);
            revocation.Property(r => r.Value).HasMaxLength(64);
            revocation.Property(r => r.CreatedAt).HasDefaultValueSql("now()");
            revocation.HasIndex(r => r.ExpiresAt);
        });

        modelBuilder.Entity<LoginFailure>(failure =>
        {
            failure.ToTable("login_failures");
            failure.HasKey(f => new { f.Email, f.Address });
            failure.Property(f => f.Email).HasMaxLength(255);
            failure.Property(f => f.Address).HasMaxLength(64);
            failure.HasIndex(f => f.LastFailureAt);
        });

        modelBuilder.Entity<AccountToken>(token =>
        {
            token.ToTable("account_tokens");
            token.Property(t => t.Id).ValueGeneratedNever();
            token.Property(t => t.Purpose).HasMaxLength(32);
            token.Property(t => t.TokenHash).HasMaxLength(64);
            token.Property(t => t.Email).HasMaxLength(255);
            token.Property(t => t.UsedAt).IsConcurrencyToken();
            token.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
            token.HasIndex(t => t.TokenHash).IsUnique();
            token.HasIndex(t => new { t.UserId, t.Purpose });
            token.HasIndex(t => t.ExpiresAt);
        });

        // Audit events leave through an outbox (decision D12), committed with the change they describe.
        modelBuilder.AddOutbox();
        modelBuilder.UseSnakeCaseColumns();
    }
}
