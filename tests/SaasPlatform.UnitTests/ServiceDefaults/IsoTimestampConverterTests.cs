using SaasPlatform.ServiceDefaults.Http;

namespace SaasPlatform.UnitTests.ServiceDefaults;

public sealed class IsoTimestampConverterTests
{
    [Fact]
    public void Timestamps_are_written_like_python_isoformat_in_utc()
    {
        var value = new DateTimeOffset(2025, 1, 1, 13, 0, 0, TimeSpan.FromHours(1)).AddTicks(1_234_560);

        Assert.Equal("2025-01-01T12:00:00.123456+00:00", IsoTimestampConverter.Format(value));
        Assert.Equal("2025-01-01T12:00:00+00:00", IsoTimestampConverter.Format(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero)));
    }
}
