namespace Identity.Api.Data;

internal static class DatabaseTime
{
    /// <summary>Now, at the database's precision (microseconds), so a value returned at once equals the one read later.</summary>
    public static DateTimeOffset UtcNowForDatabase(this TimeProvider time)
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.Ticks - (now.Ticks % 10), TimeSpan.Zero);
    }
}
