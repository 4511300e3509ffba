using Microsoft.EntityFrameworkCore.Design;

namespace Events.Worker.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a database or the app's configuration.</summary>
internal sealed class EventsDbContextDesignFactory : IDesignTimeDbContextFactory<EventsDbContext>
{
    public EventsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<EventsDbContext>().UseNpgsql("Host=localhost;Database=eventsdb").Options);
}
