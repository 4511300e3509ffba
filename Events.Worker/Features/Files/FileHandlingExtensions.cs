using SaasPlatform.Messaging.Handling;
using SaasPlatform.Storage;

namespace Events.Worker.Features.Files;

public static class FileHandlingExtensions
{
    /// <summary>Content sniffing of uploads and the orphan collector (D10), with the storage they need.</summary>
    public static IHostApplicationBuilder AddFileHandling(this IHostApplicationBuilder builder)
    {
        builder.AddObjectStorage();
        builder.Services.Configure<FileHandlingOptions>(builder.Configuration.GetSection(FileHandlingOptions.SectionName));
        builder.Services.AddSingleton<OrphanCollector>();
        builder.Services.AddSingleton<OrphanCollection>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OrphanCollection>());
        builder.Services.AddEventHandler<SniffUploadedContent>();
        builder.Services.AddEventHandler<CollectOrphanedFile>();
        return builder;
    }
}
