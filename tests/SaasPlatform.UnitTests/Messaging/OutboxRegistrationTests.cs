using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SaasPlatform.Messaging.Outbox;

namespace SaasPlatform.UnitTests.Messaging;

public sealed class OutboxRegistrationTests
{
    [Fact]
    public void Relay_registration_adds_the_commit_interceptor_to_a_context_registered_by_aspire()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:servicedb"] = "Host=127.0.0.1;Database=servicedb;Username=u;Password=p",
            ["ConnectionStrings:kafka"] = "127.0.0.1:1",
        });
        builder.AddNpgsqlDbContext<ServiceDb>("servicedb");
        builder.AddOutboxRelay<ServiceDb>();
        using var host = builder.Build();

        using var scope = host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ServiceDb>();
        var interceptors = db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()!.Interceptors;

        Assert.NotNull(interceptors);
        Assert.Contains(interceptors, i => i is OutboxCommitInterceptor);
        Assert.Same(host.Services.GetRequiredService<OutboxCommitInterceptor>(), interceptors.OfType<OutboxCommitInterceptor>().Single());
    }

    public sealed class ServiceDb(DbContextOptions<ServiceDb> options) : DbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutbox();
    }
}
