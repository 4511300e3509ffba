namespace SaasPlatform.ServiceDefaults.Http;

/// <summary>
/// A text field of a JSON request body as the rules need to see it: absent, null, a string, or something else.
/// Absent and null differ on partial updates (absent = unchanged, null = refused).
/// </summary>
public readonly record struct TextField(bool Present, string? Value, bool WrongType = false)
{
    public static readonly TextField Missing = new(false, null);

    public static TextField Of(string? value) => new(true, value);

    /// <summary>Reads <paramref name="name"/> from a JSON object; any other JSON members are ignored.</summary>
    public static TextField From(JsonElement body, string name)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty(name, out var value))
        {
            return Missing;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => new TextField(true, value.GetString()),
            JsonValueKind.Null => new TextField(true, null),
            _ => new TextField(true, null, WrongType: true),
        };
    }
}
