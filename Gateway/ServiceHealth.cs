namespace Gateway;

/// <summary>Asks each backend service's readiness endpoint, in parallel, with a short timeout.</summary>
internal sealed class ServiceHealth(HttpClient http)
{
    private static readonly string[] Services = ["identity-api", "tenancy-api", "documents-api"];

    public async Task<Dictionary<string, string>> FindUnhealthyAsync(CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(Services.Select(async service =>
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(3));
                using var response = await http.GetAsync(new Uri($"http://{service}/health"), timeout.Token);
                return (service, problem: response.IsSuccessStatusCode ? null : $"status {(int)response.StatusCode}");
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                return (service, problem: (string?)"unreachable");
            }
        }));
        return results.Where(r => r.problem is not null).ToDictionary(r => r.service, r => r.problem!);
    }
}
