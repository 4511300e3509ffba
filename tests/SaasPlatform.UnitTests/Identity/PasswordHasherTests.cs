using Identity.Api.Accounts;
using Microsoft.Extensions.Options;

namespace SaasPlatform.UnitTests.Identity;

public sealed class PasswordHasherTests
{
    private readonly PasswordHasher _hasher = new(Options.Create(new IdentitySettings { BcryptCost = 4 }));

    [Fact]
    public async Task A_hash_verifies_its_password_only()
    {
        var hash = await _hasher.HashAsync("Password1", CancellationToken.None);

        Assert.StartsWith("$2b$04$", hash, StringComparison.Ordinal);
        Assert.True(await _hasher.VerifyAsync("Password1", hash, CancellationToken.None));
        Assert.False(await _hasher.VerifyAsync("Password2", hash, CancellationToken.None));
    }

    [Fact]
    public async Task Unknown_user_and_unreadable_hash_fail_without_throwing()
    {
        Assert.False(await _hasher.VerifyAsync("Password1", null, CancellationToken.None));
        Assert.False(await _hasher.VerifyAsync("Password1", "not-a-bcrypt-hash", CancellationToken.None));
    }

    [Fact]
    public async Task Hashes_below_the_configured_cost_are_upgraded()
    {
        var weak = BCrypt.Net.BCrypt.HashPassword("Password1", 4);
        var strong = new PasswordHasher(Options.Create(new IdentitySettings { BcryptCost = 5 }));

        Assert.True(strong.NeedsRehash(weak));
        Assert.False(strong.NeedsRehash(await strong.HashAsync("Password1", CancellationToken.None)));
    }
}
