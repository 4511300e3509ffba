using Microsoft.EntityFrameworkCore.Design;

namespace Tenancy.Api.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a database.</summary>
internal sealed class TenancyDbContextDesignFactory : IDesignTimeDbContextFactory<TenancyDbContext>
{
    public TenancyDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<TenancyDbContext>().UseNpgsql("Host=localhost;Database=tenancydb").Options);
}
