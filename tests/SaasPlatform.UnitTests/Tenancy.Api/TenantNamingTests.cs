using System.Text.Json;
using System.Text.RegularExpressions;
using SaasPlatform.ServiceDefaults.Http;
using SaasPlatform.TenantConnections;
using Tenancy.Api.Features.Tenants;

namespace SaasPlatform.UnitTests.Tenancy.Api;

/// <summary>Tenant database names (D7, contract §4.3) and the tenant name rule (§2.7).</summary>
public sealed class TenantNamingTests
{
    private static readonly Regex Shape = new("^tenant_[a-z0-9_]*_[0-9a-f]{8}$");

    [Theory]
    [InlineData("Test Company", "test_company")]
    [InlineData("Company @ #123!", "company_123")]
    [InlineData("  Acme--Corp  ", "acme_corp")]
    [InlineData("a - b", "a_b")]
    [InlineData("Café Crème", "caf_cr_me")]
    [InlineData("___x___", "x")]
    [InlineData("Tab\tand\nnewline", "tab_and_newline")]
    [InlineData("日本", "")]
    public void Slug_follows_the_original_rules_restricted_to_ascii(string name, string slug) =>
        Assert.Equal(slug, TenantDatabaseName.Slug(name));

    [Fact]
    public void Generated_names_have_the_contract_shape()
    {
        var name = TenantDatabaseName.Generate("Test Company");

        Assert.Matches(Shape, name);
        Assert.StartsWith("tenant_test_company_", name, StringComparison.Ordinal);
        Assert.True(TenantDatabaseName.IsValid(name));
    }

    [Fact]
    public void A_long_name_is_cut_to_63_characters()
    {
        var name = TenantDatabaseName.Generate(new string('A', 100));

        Assert.Equal(63, name.Length);
        Assert.Matches(Shape, name);
        Assert.Equal(new string('a', 47), name[7..54]);
    }

    [Fact]
    public void Truncation_does_not_leave_a_trailing_underscore()
    {
        var slug = TenantDatabaseName.Slug(new string('a', 46) + " bcd");

        Assert.Equal(new string('a', 46), slug);
    }

    [Fact]
    public void Special_characters_never_reach_the_name()
    {
        var name = TenantDatabaseName.Generate("Company @ #123! \"; DROP DATABASE x; --");

        Assert.DoesNotContain('@', name);
        Assert.DoesNotContain('#', name);
        Assert.DoesNotContain(' ', name);
        Assert.DoesNotContain('"', name);
        Assert.Matches(Shape, name);
    }

    [Fact]
    public void Each_name_gets_a_fresh_suffix() =>
        Assert.Equal(100, Enumerable.Range(0, 100).Select(_ => TenantDatabaseName.Generate("Same")).Distinct().Count());

    [Fact]
    public void An_empty_slug_still_gives_a_valid_name() =>
        Assert.Matches(Shape, TenantDatabaseName.Generate("!!!"));

    [Theory]
    [InlineData("{\"name\": \"Acme\"}", "Acme")]
    [InlineData("{\"name\": \"  Acme  \"}", "Acme")]
    [InlineData("{\"name\": \"François Müller\"}", "François Müller")]
    [InlineData("{\"name\": \"a\", \"unknown\": 1}", "a")]
    public void Valid_names_are_trimmed(string json, string expected)
    {
        var validation = new Validation();

        var name = RequestFields.TenantName(Parse(json), validation, required: true);

        Assert.True(validation.IsValid);
        Assert.Equal(expected, name);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"name\": \"\"}")]
    [InlineData("{\"name\": \"   \"}")]
    [InlineData("{\"name\": null}")]
    [InlineData("{\"name\": 5}")]
    public void Missing_empty_whitespace_null_or_non_string_names_are_refused(string json)
    {
        var validation = new Validation();

        RequestFields.TenantName(Parse(json), validation, required: true);

        Assert.False(validation.IsValid);
        Assert.Contains("name", ((Dictionary<string, List<string>>)validation.ToError().Value.Details!).Keys);
    }

    [Fact]
    public void Names_of_255_characters_pass_and_256_do_not()
    {
        var ok = new Validation();
        Assert.NotNull(RequestFields.TenantName(Parse($"{{\"name\": \"{new string('x', 255)}\"}}"), ok, required: true));
        Assert.True(ok.IsValid);

        var tooLong = new Validation();
        Assert.Null(RequestFields.TenantName(Parse($"{{\"name\": \"{new string('x', 256)}\"}}"), tooLong, required: true));
        Assert.False(tooLong.IsValid);
    }

    [Fact]
    public void An_absent_name_is_fine_on_update()
    {
        var validation = new Validation();

        Assert.Null(RequestFields.TenantName(Parse("{}"), validation, required: false));
        Assert.True(validation.IsValid);
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
