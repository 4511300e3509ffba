using SaasPlatform.Storage;

namespace SaasPlatform.UnitTests.Storage;

public sealed class StorageKeysTests
{
    private const string Sha = "3ac5f2e4c1d0b9a8f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180";

    [Fact]
    public void File_key_is_content_addressed_and_sharded()
    {
        Assert.Equal($"tenants/tenant_acme_1a2b3c4d/files/3a/c5/{Sha}", StorageKeys.File("tenant_acme_1a2b3c4d", Sha));
    }

    [Fact]
    public void Same_bytes_in_two_tenants_are_two_keys()
    {
        Assert.NotEqual(StorageKeys.File("tenant_a_00000001", Sha), StorageKeys.File("tenant_b_00000002", Sha));
    }

    [Theory]
    [InlineData("3AC5F2E4C1D0B9A8F7E6D5C4B3A29180F7E6D5C4B3A29180F7E6D5C4B3A29180")]
    [InlineData("3ac5")]
    [InlineData("../../etc/passwd")]
    public void Only_lowercase_sha256_hex_makes_a_key(string hash)
    {
        Assert.Throws<ArgumentException>(() => StorageKeys.File("tenant_acme_1a2b3c4d", hash));
    }

    [Theory]
    [InlineData("../other")]
    [InlineData("Tenant_Upper")]
    [InlineData("tenant/x")]
    [InlineData("")]
    public void Database_names_that_could_leave_the_tenant_prefix_are_refused(string database)
    {
        Assert.Throws<ArgumentException>(() => StorageKeys.File(database, Sha));
        Assert.Throws<ArgumentException>(() => StorageKeys.StagingPrefix(database));
    }

    [Fact]
    public void Staging_keys_live_outside_the_files_prefix() =>
        Assert.Equal("tenants/tenant_acme_1a2b3c4d/staging/", StorageKeys.StagingPrefix("tenant_acme_1a2b3c4d"));

    [Fact]
    public void Storage_connection_string_is_parsed_with_defaults()
    {
        var settings = StorageSettings.Parse(
            "Endpoint=http://minio:9000;PublicEndpoint=http://localhost:9000;AccessKey=k;SecretKey=s;Bucket=b;Region=eu-west-1");
        Assert.Equal(new Uri("http://minio:9000"), settings.Endpoint);
        Assert.Equal(new Uri("http://localhost:9000"), settings.PublicEndpoint);
        Assert.Equal("eu-west-1", settings.Region);

        var minimal = StorageSettings.Parse("Endpoint=http://127.0.0.1:19000;AccessKey=k;SecretKey=s;Bucket=b");
        Assert.Equal(minimal.Endpoint, minimal.PublicEndpoint);
        Assert.Equal("us-east-1", minimal.Region);
        Assert.Throws<InvalidOperationException>(() => StorageSettings.Parse("Endpoint=http://x;AccessKey=k;SecretKey=s"));
    }
}
