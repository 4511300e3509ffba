using System.Text.Json;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.ServiceDefaults.Http;
using SaasPlatform.TenancyClient;
using Tenancy.Api.Data;
using Tenancy.Api.Features.Invitations;

namespace SaasPlatform.UnitTests.Tenancy.Api;

/// <summary>An invitation's status over its life, and the fields of invitation requests.</summary>
public sealed class InvitationRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static Invitation Pending() => new()
    {
        Email = "ada@example.com",
        TokenHash = LinkTokens.Hash(LinkTokens.New()),
        Role = TenantRole.User,
        CreatedAt = Now.AddDays(-1),
        ExpiresAt = Now.AddDays(6),
    };

    [Fact]
    public void Status_follows_acceptance_revocation_and_expiry()
    {
        var invitation = Pending();
        Assert.Equal("pending", invitation.Status(Now));
        Assert.True(invitation.IsPending(Now));

        Assert.Equal("expired", invitation.Status(invitation.ExpiresAt));
        Assert.False(invitation.IsPending(invitation.ExpiresAt));

        invitation.RevokedAt = Now;
        Assert.Equal("revoked", invitation.Status(Now));
        Assert.Equal("revoked", invitation.Status(Now.AddDays(30)));
        Assert.False(invitation.IsPending(Now));

        var accepted = Pending();
        accepted.AcceptedAt = Now;
        Assert.Equal("accepted", accepted.Status(Now.AddDays(30)));
        Assert.False(accepted.IsPending(Now));
    }

    [Theory]
    [InlineData("  Ada.Lovelace@Example.COM ", "ada.lovelace@example.com")]
    [InlineData("a@localhost", "a@localhost")]
    public void Email_is_trimmed_and_lower_cased(string raw, string expected)
    {
        var validation = new Validation();
        Assert.Equal(expected, InvitationFields.Email(validation, TextField.Of(raw)));
        Assert.True(validation.IsValid);
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("two@@example.com")]
    [InlineData("Ada <ada@example.com>")]
    [InlineData("")]
    public void Addresses_registration_would_refuse_are_refused(string raw)
    {
        var validation = new Validation();
        Assert.Null(InvitationFields.Email(validation, TextField.Of(raw)));
        Assert.False(validation.IsValid);
    }

    [Fact]
    public void An_overlong_address_is_refused() =>
        Assert.Null(InvitationFields.Email(new Validation(), TextField.Of(new string('a', 250) + "@example.com")));

    [Theory]
    [InlineData("admin", TenantRole.Admin)]
    [InlineData("user", TenantRole.User)]
    [InlineData("viewer", TenantRole.Viewer)]
    public void Roles_are_the_tenant_roles(string raw, TenantRole expected) =>
        Assert.Equal(expected, InvitationFields.Role(new Validation(), TextField.Of(raw)));

    [Theory]
    [InlineData("""{"role": "owner"}""")]
    [InlineData("""{"role": "Admin"}""")]
    [InlineData("""{"role": null}""")]
    [InlineData("""{"role": 1}""")]
    [InlineData("""{}""")]
    public void Other_roles_and_non_strings_are_refused(string json)
    {
        var validation = new Validation();
        Assert.Null(InvitationFields.Role(validation, TextField.From(JsonDocument.Parse(json).RootElement, "role")));
        Assert.False(validation.IsValid);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"token": ""}""")]
    [InlineData("""{"token": 5}""")]
    public void A_token_must_be_a_non_empty_string(string json)
    {
        var validation = new Validation();
        Assert.Null(InvitationFields.Token(validation, TextField.From(JsonDocument.Parse(json).RootElement, "token")));
        Assert.False(validation.IsValid);
    }
}
