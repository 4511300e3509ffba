namespace SaasPlatform.Storage;

public static class ObjectFileUpload
{
    /// <summary>
    /// Sends a local file (a seekable stream at its start, e.g. an archive assembled in a temporary file) to
    /// <paramref name="key"/>: one PUT up to S3's single-request limit, parts beyond it. Overwrites what is there.
    /// </summary>
    public static async Task PutFileAsync(this ObjectStorage storage, string key, Stream file, long length, string contentType,
        CancellationToken cancellationToken)
    {
        if (length <= StagedContent.SinglePutLimit)
        {
            await storage.PutAsync(key, file, length, contentType, cancellationToken);
            return;
        }

        await using var upload = await StreamUpload.ReadAsync(storage, file, key, long.MaxValue, observe: null, cancellationToken);
    }
}
