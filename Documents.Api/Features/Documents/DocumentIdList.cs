using System.Text.Json;

namespace Documents.Api.Features.Documents;

/// <summary>
/// The body of the bulk endpoints, <c>{"document_ids": [...]}</c>: 1 to <see cref="MaxCount"/> UUIDs. Repeated ids
/// count once (the first occurrence keeps its place). Anything else is a 400 naming <c>document_ids</c>.
/// </summary>
public static class DocumentIdList
{
    public const string Field = "document_ids";
    public const int MaxCount = 1000;

    public static (List<Guid>? Ids, ApiError? Error) Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, ApiError.BadRequest("Request body must be a JSON object"));
        }

        if (!body.TryGetProperty(Field, out var list))
        {
            return (null, ApiError.Validation(Field, "Missing data for required field."));
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            return (null, ApiError.Validation(Field, "Not a valid list."));
        }

        var count = list.GetArrayLength();
        if (count is 0 or > MaxCount)
        {
            return (null, ApiError.Validation(Field, $"Between 1 and {MaxCount} document ids are required"));
        }

        var ids = new List<Guid>(count);
        var seen = new HashSet<Guid>();
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !Guid.TryParse(item.GetString(), out var id))
            {
                return (null, ApiError.Validation(Field, $"Item {index} is not a valid UUID"));
            }

            if (seen.Add(id))
            {
                ids.Add(id);
            }

            index++;
        }

        return (ids, null);
    }
}
