using System.Net;
using System.Text;
using static SaasPlatform.EndToEndTests.Identity.AuthApi;

namespace SaasPlatform.EndToEndTests.Identity;

/// <summary>
/// Anonymous JSON endpoints read at most 64 KiB (Kestrel's default would be 30 MB): a larger body is 413
/// <c>payload_too_large</c> in the envelope, with or without Content-Length, through the gateway.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class AnonymousBodyLimitTests(PlatformFixture platform)
{
    [Theory]
    [InlineData("/api/auth/login", true)]
    [InlineData("/api/auth/login", false)]
    [InlineData("/api/auth/register", true)]
    [InlineData("/api/auth/register", false)]
    [InlineData("/api/auth/refresh", true)]
    public async Task A_body_over_64_KiB_is_413_in_the_envelope(string path, bool withLength)
    {
        using var gateway = platform.CreateGatewayClient();

        var response = await gateway.PostAsync(new Uri(path, UriKind.Relative), Body(65 * 1024, withLength));

        await AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task A_body_under_the_limit_is_read_and_validated_as_usual()
    {
        using var gateway = platform.CreateGatewayClient();

        var response = await gateway.PostAsync(new Uri("/api/auth/login", UriKind.Relative), Body(60 * 1024, withLength: false));

        // A 60 KiB password is a validation error, not a size error: the body was parsed.
        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "validation_error");
    }

    /// <summary>A login-shaped JSON body of about <paramref name="size"/> bytes; chunked when it has no length.</summary>
    private static HttpContent Body(int size, bool withLength)
    {
        var json = $$"""{"email":"big-{{Guid.NewGuid():N}}@example.com","password":"{{new string('a', size)}}","first_name":"A","last_name":"B"}""";
        var bytes = Encoding.UTF8.GetBytes(json);
        HttpContent content = withLength ? new ByteArrayContent(bytes) : new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>A stream that does not tell its length, so HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
