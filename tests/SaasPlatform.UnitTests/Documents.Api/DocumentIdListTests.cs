using System.Text.Json;
using Documents.Api.Features.Documents;

namespace SaasPlatform.UnitTests.Documents.Api;

public sealed class DocumentIdListTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    [Fact]
    public void Ids_keep_their_order_and_repeats_count_once()
    {
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        var (ids, error) = DocumentIdList.Parse(Json($$"""{"document_ids": ["{{b}}", "{{a}}", "{{b}}"], "other": 1}"""));
        Assert.Null(error);
        Assert.Equal([b, a], ids!);
    }

    [Fact]
    public void A_thousand_is_the_most()
    {
        var thousand = JsonSerializer.Serialize(new { document_ids = Enumerable.Range(0, 1000).Select(_ => Guid.NewGuid()) });
        Assert.Equal(1000, DocumentIdList.Parse(Json(thousand)).Ids!.Count);

        var more = JsonSerializer.Serialize(new { document_ids = Enumerable.Range(0, 1001).Select(_ => Guid.NewGuid()) });
        Assert.Equal("validation_error", DocumentIdList.Parse(Json(more)).Error!.Value.Error);
    }

    [Theory]
    [InlineData("""{"document_ids": []}""", "validation_error")]
    [InlineData("""{"document_ids": ["nope"]}""", "validation_error")]
    [InlineData("""{"document_ids": [1]}""", "validation_error")]
    [InlineData("""{"document_ids": [null]}""", "validation_error")]
    [InlineData("""{"document_ids": "00000000-0000-0000-0000-000000000001"}""", "validation_error")]
    [InlineData("""{"document_ids": null}""", "validation_error")]
    [InlineData("""{}""", "validation_error")]
    [InlineData("""["00000000-0000-0000-0000-000000000001"]""", "bad_request")]
    [InlineData("""null""", "bad_request")]
    public void Anything_else_is_a_400(string body, string code)
    {
        var (ids, error) = DocumentIdList.Parse(Json(body));
        Assert.Null(ids);
        Assert.Equal(400, error!.StatusCode);
        Assert.Equal(code, error.Value.Error);
    }
}
