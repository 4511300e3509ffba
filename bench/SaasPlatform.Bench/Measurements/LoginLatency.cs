using System.Diagnostics;

namespace SaasPlatform.Bench.Measurements;

/// <summary>Part 2: sequential logins through the gateway against a bare bcrypt verify at the same cost, in this process.</summary>
public static class LoginLatency
{
    private const int BcryptCost = 12;
    private const int BcryptVerifies = 10;
    private const double FlaskLoginMs = 271;

    public static async Task<IReadOnlyList<Row>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        const string name = "Login, mean of 20 sequential POST /api/auth/login via gateway";
        const string target = "≤ 1.1 × bcrypt verify (Flask: 271 ms)";
        using var api = PlatformApi.Create(options.Gateway);
        string email;
        try
        {
            (email, _) = await api.NewUserAsync(cancellationToken);
            await api.LoginAsync(email, cancellationToken);
        }
        catch (BenchSkipException ex)
        {
            return [Row.NotMeasured(name, target, ex.Message)];
        }

        // '$2b$' like Identity.Api's hashes.
        var hash = BCrypt.Net.BCrypt.HashPassword(PlatformApi.Password, BCrypt.Net.BCrypt.GenerateSalt(BcryptCost, 'b'));
        BCrypt.Net.BCrypt.Verify(PlatformApi.Password, hash);

        var logins = new List<double>();
        var verifies = new List<double>();
        var ratios = new List<double>();
        for (var rep = 0; rep < options.Repeat; rep++)
        {
            var loginTimes = new List<double>();
            for (var i = 0; i < options.Logins; i++)
            {
                var watch = Stopwatch.StartNew();
                await api.LoginAsync(email, cancellationToken);
                loginTimes.Add(watch.Elapsed.TotalMilliseconds);
            }

            var verifyTimes = new List<double>();
            for (var i = 0; i < BcryptVerifies; i++)
            {
                var watch = Stopwatch.StartNew();
                if (!BCrypt.Net.BCrypt.Verify(PlatformApi.Password, hash))
                {
                    throw new InvalidOperationException("bcrypt verify failed");
                }

                verifyTimes.Add(watch.Elapsed.TotalMilliseconds);
            }

            var login = Stats.Mean(loginTimes);
            var verify = Stats.Mean(verifyTimes);
            BenchLog.Write($"login: repetition {rep + 1}: login mean {login:0.0} ms (min {loginTimes.Min():0.0}, max {loginTimes.Max():0.0}), bcrypt verify mean {verify:0.0} ms");
            logins.Add(login);
            verifies.Add(verify);
            ratios.Add(login / verify);
        }

        var ratio = Stats.Median(ratios);
        var loginMs = Stats.Median(logins);
        return
        [
            new Row(name, $"{Report.Ms(loginMs)} (Flask {FlaskLoginMs:0} ms)", $"bcrypt verify, cost {BcryptCost}: {Report.Ms(Stats.Median(verifies))}",
                Report.Ratio(ratio), target, Report.Check(ratio <= 1.1)),
        ];
    }
}
