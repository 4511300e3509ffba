using Identity.Api.Accounts;
using Microsoft.Extensions.Options;

namespace SaasPlatform.UnitTests.Identity.Api;

public sealed class PasswordHasherTests
{
    private static readonly IOptions<IdentitySettings> Cost4 = Options.Create(new IdentitySettings { BcryptCost = 4 });

    // Debian ships libxcrypt (libcrypt.so.1) everywhere these tests run; without it the native half cannot be proven.
    private static readonly NativeBcrypt Native = NativeBcrypt.TryCreate()
        ?? throw new InvalidOperationException("libcrypt.so.1 with bcrypt is missing (apt-get install libcrypt1)");

    private readonly PasswordHasher _hasher = new(Cost4);

    public static TheoryData<string> Passwords => new()
    {
        "Password1",
        "pässwörd-ünïcødé-1",
        new string('a', 72), // the longest password accepted (72 bytes)
        new string('é', 36), // 72 bytes of two-byte characters
        "x",
    };

    [Fact]
    public void The_default_hasher_is_native_on_this_machine() => Assert.True(_hasher.IsNative);

    [Fact]
    public async Task A_hash_verifies_its_password_only()
    {
        var hash = await _hasher.HashAsync("Password1", CancellationToken.None);

        Assert.StartsWith("$2b$04$", hash, StringComparison.Ordinal);
        Assert.Equal(60, hash.Length);
        Assert.True(await _hasher.VerifyAsync("Password1", hash, CancellationToken.None));
        Assert.False(await _hasher.VerifyAsync("Password2", hash, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Passwords))]
    public void Native_and_managed_accept_each_others_hashes(string password)
    {
        foreach (var (maker, checker) in new (IBcrypt, IBcrypt)[] { (Native, ManagedBcrypt.Instance), (ManagedBcrypt.Instance, Native) })
        {
            var hash = maker.Crypt(password, BcryptFormat.NewSetting(4))!;
            Assert.True(BcryptFormat.Verify(checker, password, hash), $"{checker.GetType().Name} rejected {maker.GetType().Name}'s hash");
            Assert.False(BcryptFormat.Verify(checker, "!" + password[1..], hash));
            // The same setting gives byte-identical hashes.
            Assert.Equal(hash, checker.Crypt(password, hash));
        }
    }

    [Theory]
    [InlineData('a')]
    [InlineData('b')]
    [InlineData('y')]
    public void Hashes_of_every_bcrypt_prefix_verify_in_both(char variant)
    {
        // BCrypt.Net-Next writes $2a$ (older platform hashes) and $2y$ (PHP) as well as $2b$.
        var hash = BCrypt.Net.BCrypt.HashPassword("Password1", BCrypt.Net.BCrypt.GenerateSalt(5, variant));
        Assert.StartsWith($"$2{variant}$05$", hash, StringComparison.Ordinal);

        Assert.True(BcryptFormat.Verify(Native, "Password1", hash));
        Assert.True(BcryptFormat.Verify(ManagedBcrypt.Instance, "Password1", hash));
        Assert.False(BcryptFormat.Verify(Native, "Password2", hash));
    }

    [Fact]
    public async Task A_hash_from_python_bcrypt_verifies()
    {
        // bcrypt.hashpw(b"native-self-test", b"$2b$04$abcdefghijklmnopqrstuu"), as the original platform stored them.
        const string hash = "$2b$04$abcdefghijklmnopqrstuuHGWuBSsYoq/dhlLjkkGqYsT8kazGMvm";
        Assert.True(await _hasher.VerifyAsync("native-self-test", hash, CancellationToken.None));
        Assert.True(await new PasswordHasher(Cost4, ManagedBcrypt.Instance).VerifyAsync("native-self-test", hash, CancellationToken.None));
    }

    [Fact]
    public void Both_ignore_bytes_past_72_identically()
    {
        // Registration and login refuse more than 72 bytes (AccountRules); the hashes still agree on the cut.
        var setting = BcryptFormat.NewSetting(4);
        var at72 = new string('k', 72);
        Assert.Equal(Native.Crypt(at72, setting), Native.Crypt(at72 + "tail", setting));
        Assert.Equal(Native.Crypt(at72 + "tail", setting), ManagedBcrypt.Instance.Crypt(at72 + "tail", setting));
    }

    [Fact]
    public void Salts_are_random_canonical_bcrypt_base64()
    {
        var settings = Enumerable.Range(0, 200).Select(_ => BcryptFormat.NewSetting(4)).ToList();

        Assert.Equal(settings.Count, settings.Distinct(StringComparer.Ordinal).Count());
        foreach (var setting in settings)
        {
            Assert.Matches("^\\$2b\\$04\\$[./A-Za-z0-9]{21}[.Oeu]$", setting); // the 22nd character carries 2 bits
            // The library decodes the salt and re-encodes it into the hash: a canonical salt comes back unchanged.
            Assert.StartsWith(setting, Native.Crypt("p", setting), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Unknown_user_and_unreadable_hash_fail_without_throwing()
    {
        Assert.False(await _hasher.VerifyAsync("Password1", null, CancellationToken.None));
        Assert.False(await _hasher.VerifyAsync("Password1", "not-a-bcrypt-hash", CancellationToken.None));
        Assert.False(await _hasher.VerifyAsync("Password1", "$1$abcdefgh$0123456789012345678901", CancellationToken.None));
        Assert.False(await _hasher.VerifyAsync("Password1", "$2b$03$abcdefghijklmnopqrstuuHGWuBSsYoq/dhlLjkkGqYsT8kazGMvm", CancellationToken.None));
        Assert.False(await _hasher.VerifyAsync("with\0nul", "$2b$04$abcdefghijklmnopqrstuuHGWuBSsYoq/dhlLjkkGqYsT8kazGMvm", CancellationToken.None));
    }

    [Fact]
    public async Task A_password_with_a_nul_byte_round_trips_through_the_fallback()
    {
        var hash = await _hasher.HashAsync("with\0nul", CancellationToken.None);
        Assert.True(await _hasher.VerifyAsync("with\0nul", hash, CancellationToken.None));
        Assert.False(await _hasher.VerifyAsync("with", hash, CancellationToken.None));
    }

    [Fact]
    public async Task An_unknown_user_costs_a_full_verify_at_the_configured_cost()
    {
        // Counted rather than timed (timing on a shared machine is noise): an unknown email runs exactly the bcrypt
        // a wrong password runs, at the same cost, with the same implementation.
        var counting = new CountingBcrypt(Native);
        var hasher = new PasswordHasher(Options.Create(new IdentitySettings { BcryptCost = 6 }), counting);
        var hash = await hasher.HashAsync("Password1", CancellationToken.None);
        hasher.WarmUp();
        counting.Settings.Clear();

        Assert.False(await hasher.VerifyAsync("Password1", null, CancellationToken.None));
        Assert.False(await hasher.VerifyAsync("Wrong1234", hash, CancellationToken.None));

        Assert.Equal(2, counting.Settings.Count);
        Assert.All(counting.Settings, setting => Assert.StartsWith("$2b$06$", setting, StringComparison.Ordinal));
    }

    private sealed class CountingBcrypt(IBcrypt inner) : IBcrypt
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Settings { get; } = new();

        public string? Crypt(string password, string setting)
        {
            Settings.Enqueue(setting);
            return inner.Crypt(password, setting);
        }
    }

    [Fact]
    public async Task Hashes_below_the_configured_cost_are_upgraded()
    {
        var weak = BCrypt.Net.BCrypt.HashPassword("Password1", 4);
        var strong = new PasswordHasher(Options.Create(new IdentitySettings { BcryptCost = 5 }));

        Assert.True(strong.NeedsRehash(weak));
        Assert.False(strong.NeedsRehash(await strong.HashAsync("Password1", CancellationToken.None)));
        Assert.False(strong.NeedsRehash("not-a-bcrypt-hash"));
    }

}
