namespace Identity.Api.Data;

/// <summary>
/// A durable revocation, served to every service by <c>GET /internal/revocations</c>. Rows are written only through
/// the SQL function <c>add_revocation</c>, which serialises writers so ids become visible in order (a reader that
/// resumes after id N can never miss a smaller id committed later).
/// </summary>
public sealed class Revocation
{
    public long Id { get; set; }

    public required string Kind { get; set; }

    public required string Value { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
