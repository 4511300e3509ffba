using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SaasPlatform.ServiceDefaults.Http;

namespace SaasPlatform.UnitTests.ServiceDefaults;

public sealed class ClientAddressesTests
{
    [Fact]
    public void Configured_networks_and_proxies_are_read_from_a_comma_separated_value_and_replace_the_loopback_default()
    {
        var options = Options(("ForwardedHeaders:KnownNetworks", "10.0.0.0/8, fd00::/8"), ("ForwardedHeaders:KnownProxies", "192.0.2.7"));

        Assert.Equal(["10.0.0.0/8", "fd00::/8"], options.KnownIPNetworks.Select(n => n.ToString()));
        Assert.Equal([IPAddress.Parse("192.0.2.7")], options.KnownProxies);
        Assert.Equal(1, options.ForwardLimit);
    }

    [Fact]
    public void Networks_may_also_be_a_list()
    {
        var options = Options(("ForwardedHeaders:KnownNetworks:0", "10.1.0.0/16"), ("ForwardedHeaders:KnownNetworks:1", "10.2.0.0/16"));

        Assert.Equal(["10.1.0.0/16", "10.2.0.0/16"], options.KnownIPNetworks.Select(n => n.ToString()));
    }

    [Fact]
    public void Without_configuration_only_development_trusts_loopback()
    {
        Assert.Equal(["127.0.0.0/8", "::1/128"], Options(environment: "Development").KnownIPNetworks.Select(n => n.ToString()));

        var production = Options(environment: "Production");
        Assert.Empty(production.KnownIPNetworks);
        Assert.Empty(production.KnownProxies);
    }

    [Fact]
    public void A_malformed_network_fails_at_start_up_naming_the_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Options(("ForwardedHeaders:KnownNetworks", "10.0.0.0/8,not-a-cidr")));
        Assert.Contains("ForwardedHeaders:KnownNetworks", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("203.0.113.9", "203.0.113.9")]
    [InlineData("::ffff:203.0.113.9", "203.0.113.9")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("::1", "::1")]
    public void Ipv6_clients_share_a_partition_per_64(string address, string partition) =>
        Assert.Equal(partition, ClientAddresses.PartitionKey(IPAddress.Parse(address)));

    private static ForwardedHeadersOptions Options(params (string Key, string Value)[] settings) => Options("Production", settings);

    private static ForwardedHeadersOptions Options(string environment, params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.AddTrustedProxies();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
    }
}
