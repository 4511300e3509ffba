using System.Diagnostics;

namespace SaasPlatform.Bench.Measurements;

/// <summary>
/// Part 2: sequential logins through the gateway against one bare bcrypt verify at the same cost in this process,
/// native (libxcrypt) as Identity.Api runs it, BCrypt.Net-Next where the library is missing.
/// </summary>
public static class LoginLatency
{
    private const int BcryptCost = 12;
    private const int BcryptVerifies = 10;
    private const double FlaskLoginMs = 224; // the top of the Flask platform's login means measured 2026-12-01

    public static async Task<IReadOnlyList<Row>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        const string name = "Login, mean of 20 sequential POST /api/auth/login via gateway";
        const string target = "≤ 1.1 × native bcrypt verify and ≤ 224 ms (Flask)";
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
        var native = NativeBcrypt.Crypt(PlatformApi.Password, hash) == hash;
        bool Verify() => native ? NativeBcrypt.Crypt(PlatformApi.Password, hash) == hash : BCrypt.Net.BCrypt.Verify(PlatformApi.Password, hash);
        Verify();

        var logins = new List<double>();
        var verifies = new List<double>();
        var ratios = new List<double>();
        var loginProfile = "–";
        for (var rep = 0; rep < options.Repeat; rep++)
        {
            var loginTimes = new List<double>();
            var profile = CpuProfile.Start(options.RunMarker);
            for (var i = 0; i < options.Logins; i++)
            {
                var watch = Stopwatch.StartNew();
                await api.LoginAsync(email, cancellationToken);
                loginTimes.Add(watch.Elapsed.TotalMilliseconds);
            }

            loginProfile = profile.Stop().PerUnit(options.Logins, "login");
            BenchLog.Write($"login: {loginProfile}");

            var verifyTimes = new List<double>();
            for (var i = 0; i < BcryptVerifies; i++)
            {
                var watch = Stopwatch.StartNew();
                if (!Verify())
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
            new Row(name, $"{Report.Ms(loginMs)} (Flask {FlaskLoginMs:0} ms)",
                $"{(native ? "native (libxcrypt)" : "BCrypt.Net-Next")} bcrypt verify, cost {BcryptCost}: {Report.Ms(Stats.Median(verifies))}",
                Report.Ratio(ratio), target, Report.Check(ratio <= 1.1 && loginMs <= FlaskLoginMs)),
            new Row("Login: where the CPU goes (every process, last repetition)", loginProfile, "", "",
                "– (the profile behind the login row)", Verdict.Info),
        ];
    }
}
