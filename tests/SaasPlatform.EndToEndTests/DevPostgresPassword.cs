using System.Security.Cryptography;

namespace SaasPlatform.EndToEndTests;

/// <summary>
/// The apt cluster's <c>postgres</c> password for test runs: one per machine, generated once and kept outside the
/// repository (mode 0600). Every AppHost sets the superuser's password to its own parameter at start
/// (eng/dev/postgres.sh), so two runs at once with different passwords lock each other out (28P01); with the same one
/// they do not. bench/run.sh uses the same file.
/// </summary>
internal static class DevPostgresPassword
{
    private static readonly Lazy<string> Value = new(ReadOrCreate);

    public static string ForThisMachine => Value.Value;

    private static string ReadOrCreate()
    {
        var directory = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".saasplatform");
        var path = Path.Combine(directory, "e2e-postgres-password");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(directory);
            var temporary = $"{path}.{Environment.ProcessId}";
            File.WriteAllText(temporary, Convert.ToHexString(RandomNumberGenerator.GetBytes(24)));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException)
            {
                File.Delete(temporary);   // another run created it first: use theirs
            }
        }

        return File.ReadAllText(path).Trim();
    }
}
