using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace SaasPlatform.ServiceDefaults.Http;

/// <summary>
/// The client's address as the services see it: <c>X-Forwarded-For</c> is believed only from the peers configured
/// under <c>ForwardedHeaders</c> (docs/decisions/forwarded-headers.md), and per-address limits group IPv6 by /64.
/// </summary>
public static class ClientAddresses
{
    public const string SectionName = "ForwardedHeaders";

    /// <summary>
    /// Trusts <c>X-Forwarded-For</c>/<c>-Proto</c> from <c>ForwardedHeaders:KnownNetworks</c> (CIDRs) and
    /// <c>ForwardedHeaders:KnownProxies</c> (addresses), each a list or one comma-separated value (the form an
    /// environment variable takes). With neither configured, Development trusts loopback and any other environment
    /// trusts nobody: the header is ignored and the connection's address is the client's. Only the last hop is read
    /// (the entry the trusted proxy appended itself), so a client cannot prepend an address of its choosing.
    /// Call <c>app.UseForwardedHeaders()</c> first in the pipeline.
    /// </summary>
    public static WebApplicationBuilder AddTrustedProxies(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SectionName);
        var networks = List(section, "KnownNetworks")
            .Select(value => IPNetwork.TryParse(value, out var network) ? network : throw Invalid("KnownNetworks", value, "CIDR network"))
            .ToList();
        var proxies = List(section, "KnownProxies")
            .Select(value => IPAddress.TryParse(value, out var address) ? address : throw Invalid("KnownProxies", value, "IP address"))
            .ToList();
        if (networks.Count == 0 && proxies.Count == 0 && builder.Environment.IsDevelopment())
        {
            networks = [IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")];
        }

        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.ForwardLimit = 1;
            // The framework's defaults trust loopback in every environment; here only what is configured counts.
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
            networks.ForEach(options.KnownIPNetworks.Add);
            proxies.ForEach(options.KnownProxies.Add);
        });
        return builder;
    }

    /// <summary>
    /// The rate-limit partition of a client address: IPv4 as is, IPv6 by its /64 (one subscriber usually holds a
    /// whole /64, so a per-address limit would otherwise be bypassed by rotating addresses).
    /// </summary>
    public static string PartitionKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && !IPAddress.IsLoopback(address))
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }

        return address.ToString();
    }

    private static IEnumerable<string> List(IConfigurationSection section, string key)
    {
        var setting = section.GetSection(key);
        var values = setting.Value is { } single ? [single] : setting.GetChildren().Select(child => child.Value ?? "");
        return values.SelectMany(value => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private static InvalidOperationException Invalid(string key, string value, string expected) =>
        new($"{SectionName}:{key}: '{value}' is not a valid {expected}");
}
