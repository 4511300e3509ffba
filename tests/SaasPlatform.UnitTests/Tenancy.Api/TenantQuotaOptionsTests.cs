using Tenancy.Api.Quotas;

namespace SaasPlatform.UnitTests.Tenancy.Api;

public sealed class TenantQuotaOptionsTests
{
    [Fact]
    public void Defaults_are_twenty_active_tenants_and_ten_creations_per_hour()
    {
        var options = new TenantQuotaOptions();

        Assert.Equal(20, options.MaxActiveTenantsPerUser);
        Assert.Equal(10, options.MaxCreationsPerHour);
        Assert.Equal("Tenants:Quotas", TenantQuotaOptions.SectionName);
    }
}
