using Events.Worker.Features.TenantArchives;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.ServiceDefaults.Http;
using SaasPlatform.Storage;
using SaasPlatform.TenancyClient;

namespace Events.Worker.Features.Imports;

public static class ImportTenant
{
    public const int MaxNameFieldBytes = 1024;

    /// <summary>The answer: the new tenant as <c>GET /api/tenants/{id}</c> shows it, and what was imported.</summary>
    public sealed record ImportResult(JsonElement Tenant, ImportSummary Imported);

    private sealed record FromExport(Guid? SourceTenantId, Guid? ExportId, string? Name);

    /// <remarks>
    /// <c>POST /api/tenants/import</c>: creates a new tenant from a tenant archive (docs/tenant-archive-format.md); the
    /// caller becomes its admin. Either <c>multipart/form-data</c> with the archive in the part <c>archive</c> (streamed
    /// to a temporary file, at most <c>TenantArchives:MaxImportBytes</c>) and an optional <c>name</c>, or JSON
    /// <c>{"source_tenant_id", "export_id", "name"?}</c> naming a ready export of a tenant the caller administers.
    /// The archive is checked before the tenant is created (not a ZIP, no manifest, an unsupported
    /// <c>format_version</c>, missing entries: 400); a file whose bytes do not match their hash fails the import, and
    /// the half-made tenant is removed. Name: the archive's tenant name unless given.
    /// </remarks>
    public static async Task<Results<Created<SuccessEnvelope<ImportResult>>, ApiError>> HandleAsync(
        HttpRequest request, TenantImporter importer, TenantAccessChecker access, EventsDbContext db, ObjectStorage storage,
        IOptions<TenantArchiveOptions> options, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var caller = request.HttpContext.User.UserId();
        var token = request.Headers.Authorization.ToString() is var header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? header["Bearer ".Length..].Trim()
            : null;
        if (token is null)
        {
            return ApiError.Unauthorized("Authorization required");
        }

        if (request.ContentLength > settings.MaxImportBytes + MaxNameFieldBytes + 4096)
        {
            return ApiError.PayloadTooLarge(settings.MaxImportBytes);
        }

        await using var file = settings.CreateTempFile();
        string? name;
        if (request.HasJsonContentType())
        {
            var (exportName, failure) = await CopyExportAsync(request, caller, access, db, storage, file, settings, cancellationToken);
            if (failure is not null)
            {
                return failure;
            }

            name = exportName;
        }
        else if (MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = settings.MaxImportBytes + MaxNameFieldBytes + 4096;
            }

            var (formName, hasArchive, failure) = await ReadFormAsync(request, type, file, settings.MaxImportBytes, cancellationToken);
            if (failure is not null)
            {
                return failure;
            }

            if (!hasArchive)
            {
                return ApiError.Validation("archive", "An archive file is required (multipart part 'archive')");
            }

            name = formName;
        }
        else
        {
            return ApiError.BadRequest("Send the archive as multipart/form-data (part 'archive'), or JSON naming an export");
        }

        if (name is not null && (string.IsNullOrWhiteSpace(name) || name.Length > 255))
        {
            return ApiError.Validation("name", "Name must be between 1 and 255 characters");
        }

        file.Position = 0;
        TenantArchiveReader archive;
        try
        {
            archive = TenantArchiveReader.Open(file);
        }
        catch (TenantArchiveException e)
        {
            return InvalidArchive(e.Message);
        }

        using (archive)
        {
            try
            {
                var (tenant, summary, error) = await importer.ImportAsync(archive, name ?? archive.Manifest.Tenant.Name, token, caller,
                    settings.TempDirectory, cancellationToken);
                if (error is not null)
                {
                    return error;
                }

                var id = tenant.GetProperty("id").GetGuid();
                return ApiResults.Created($"/api/tenants/{id}", "Tenant imported successfully", new ImportResult(tenant, summary!));
            }
            catch (TenantArchiveException e)
            {
                return InvalidArchive(e.Message);
            }
        }
    }

    private static ApiError InvalidArchive(string problem) =>
        ApiError.Validation(new Dictionary<string, List<string>> { ["archive"] = [problem] }, $"Invalid archive: {problem}");

    /// <summary>Streams the multipart body: the <c>archive</c> part into <paramref name="file"/>, the <c>name</c> field.</summary>
    private static async Task<(string? Name, bool HasArchive, ApiError? Error)> ReadFormAsync(
        HttpRequest request, MediaTypeHeaderValue type, FileStream file, long maxBytes, CancellationToken cancellationToken)
    {
        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            return (null, false, ApiError.BadRequest("The multipart body has no boundary"));
        }

        string? name = null;
        var hasArchive = false;
        var reader = new MultipartReader(boundary, request.Body);
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    continue;
                }

                var field = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (field == "archive" && !hasArchive)
                {
                    hasArchive = true;
                    if (!await CopyLimitedAsync(section.Body, file, maxBytes, cancellationToken))
                    {
                        return (null, true, ApiError.PayloadTooLarge(maxBytes));
                    }
                }
                else if (field == "name")
                {
                    using var text = new StreamReader(section.Body);
                    var buffer = new char[MaxNameFieldBytes + 1];
                    var read = await text.ReadBlockAsync(buffer, cancellationToken);
                    name = new string(buffer, 0, Math.Min(read, MaxNameFieldBytes));
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, hasArchive, ApiError.PayloadTooLarge(maxBytes));
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return (null, hasArchive, ApiError.BadRequest($"The multipart body could not be read: {e.Message}"));
        }

        return (name, hasArchive, null);
    }

    /// <summary>Reads a ready export's archive from storage into <paramref name="file"/> (admins of its tenant only).</summary>
    private static async Task<(string? Name, ApiError? Error)> CopyExportAsync(HttpRequest request, Guid caller, TenantAccessChecker access,
        EventsDbContext db, ObjectStorage storage, FileStream file, TenantArchiveOptions settings, CancellationToken cancellationToken)
    {
        FromExport? body;
        try
        {
            body = await request.ReadFromJsonAsync<FromExport>(Microsoft.Extensions.Hosting.Extensions.WireJson, cancellationToken);
        }
        catch (JsonException)
        {
            return (null, ApiError.BadRequest("The body is not valid JSON"));
        }

        var validation = new Validation();
        if (body?.SourceTenantId is null)
        {
            validation.Add("source_tenant_id", "Missing data for required field.");
        }

        if (body?.ExportId is null)
        {
            validation.Add("export_id", "Missing data for required field.");
        }

        if (!validation.IsValid)
        {
            return (null, validation.ToError());
        }

        // Not an admin of the source (or no member at all): the same 404 as a missing export, never a hint.
        var membership = await access.FindAsync(body!.SourceTenantId!.Value, caller, cancellationToken);
        var export = membership is { TenantRole: TenantRole.Admin }
            ? await db.TenantExports.AsNoTracking().SingleOrDefaultAsync(
                e => e.Id == body.ExportId && e.TenantId == body.SourceTenantId, cancellationToken)
            : null;
        if (export is null)
        {
            return (null, ApiError.NotFound("Export not found"));
        }

        if (export.Status != TenantExportStatus.Ready)
        {
            return (null, ApiError.Conflict($"The export is {export.Status}, not ready"));
        }

        using var stored = await storage.OpenReadAsync(export.ObjectKey, cancellationToken);
        if (stored is null)
        {
            return (null, ApiError.NotFound("Export not found"));
        }

        if (!await CopyLimitedAsync(stored.Content, file, settings.MaxImportBytes, cancellationToken))
        {
            return (null, ApiError.PayloadTooLarge(settings.MaxImportBytes));
        }

        return (body.Name, null);
    }

    private static async Task<bool> CopyLimitedAsync(Stream source, Stream destination, long maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
            if (total > maxBytes)
            {
                return false;
            }

            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        return true;
    }
}
