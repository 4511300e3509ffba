using SaasPlatform.ServiceDefaults.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway;

/// <summary>
/// The gateway refuses bodies over the upload limit itself (413 in the envelope), with the setting Documents.Api
/// uses (<see cref="UploadOptions"/>).
/// </summary>
internal static class UploadLimits
{
    public static WebApplicationBuilder AddUploadLimits(this WebApplicationBuilder builder)
    {
        var maxBody = (builder.Configuration.GetSection(UploadOptions.SectionName).Get<UploadOptions>() ?? new()).MaxBodyBytes;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = maxBody);
        return builder;
    }

    /// <summary>A declared length over the limit is refused before anything is forwarded.</summary>
    public static WebApplication UseUploadLimits(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var limit = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
            return context.Request.ContentLength > limit
                ? ApiError.PayloadTooLarge(limit.Value - UploadOptions.MultipartOverheadBytes).ExecuteAsync(context)
                : next(context);
        });
        return app;
    }

    /// <summary>A chunked body that grows past the limit fails while being forwarded: answer 413, not a proxy error.</summary>
    public static void MapOversizedBodyTo413(IReverseProxyApplicationBuilder proxy) => proxy.Use(async (context, next) =>
    {
        await next();
        if (context.GetForwarderErrorFeature()?.Exception is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }
            && !context.Response.HasStarted)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        }
    });
}
