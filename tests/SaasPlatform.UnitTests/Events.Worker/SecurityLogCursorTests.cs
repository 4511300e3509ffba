using Events.Worker.Features.Audit;

namespace SaasPlatform.UnitTests.Events.Worker;

/// <summary>The security log's keyset paging: a page's <c>next_cursor</c> names exactly where the next page starts.</summary>
public sealed class SecurityLogCursorTests
{
    [Fact]
    public void A_cursor_round_trips_to_the_exact_tick_and_id()
    {
        var cursor = new GetSecurityLog.Cursor(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero).AddTicks(1234567), Guid.NewGuid());

        Assert.True(GetSecurityLog.Cursor.TryParse(cursor.ToString(), out var parsed));
        Assert.Equal(cursor, parsed);
    }

    [Fact]
    public void A_cursor_is_written_in_utc_whatever_the_offset()
    {
        var id = Guid.NewGuid();
        var local = new GetSecurityLog.Cursor(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.FromHours(1)), id);
        var utc = new GetSecurityLog.Cursor(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero), id);

        Assert.Equal(utc.ToString(), local.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("123")]
    [InlineData("123_")]
    [InlineData("_0123456789abcdef0123456789abcdef")]
    [InlineData("-1_0123456789abcdef0123456789abcdef")]
    [InlineData("+5_0123456789abcdef0123456789abcdef")]
    [InlineData("99999999999999999999_0123456789abcdef0123456789abcdef")]
    [InlineData("5_not-a-guid")]
    [InlineData("5_01234567-89ab-cdef-0123-456789abcdef")]
    [InlineData("5_0123456789abcdef0123456789abcdef_6")]
    public void Anything_else_is_not_a_cursor(string text)
    {
        Assert.False(GetSecurityLog.Cursor.TryParse(text, out var cursor));
        Assert.Null(cursor);
    }
}
