using System.Globalization;

namespace SaasPlatform.Bench;

/// <summary>Progress and raw figures: to stderr and to the log file, so stdout carries only the table.</summary>
public static class BenchLog
{
    private static StreamWriter? _file;

    /// <summary>Appends: bench/run.sh runs the console more than once into one log (the scale part's phases).</summary>
    public static void Open(string path)
    {
        _file = new StreamWriter(path, append: true) { AutoFlush = true };
    }

    public static void Write(string message)
    {
        var line = $"[{DateTimeOffset.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}] {message}";
        Console.Error.WriteLine(line);
        _file?.WriteLine(line);
    }

    /// <summary>To the log file only (what stdout carries anyway).</summary>
    public static void WriteFileOnly(string message) => _file?.WriteLine(message);

    public static void Close() => _file?.Dispose();
}
