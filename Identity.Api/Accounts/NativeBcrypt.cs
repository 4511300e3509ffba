using System.Runtime.InteropServices;

namespace Identity.Api.Accounts;

/// <summary>
/// bcrypt through libxcrypt's reentrant <c>crypt_rn</c> (<c>libcrypt.so.1</c>, on every Debian/Ubuntu/Fedora
/// machine): the same <c>$2b$</c> algorithm as BCrypt.Net-Next at native speed (204 ms against 330-345 ms at cost 12
/// here). <see cref="TryCreate"/> returns null where the library or the bcrypt scheme is missing.
/// </summary>
internal sealed partial class NativeBcrypt : IBcrypt
{
    // sizeof(struct crypt_data) in libxcrypt; its first member is the output buffer (CRYPT_OUTPUT_SIZE 384).
    private const int CryptDataSize = 32768;
    private const int OutputSize = 384;

    private NativeBcrypt()
    {
    }

    /// <summary>The native implementation if it loads and reproduces a known hash (a cheap self-test at cost 4).</summary>
    public static NativeBcrypt? TryCreate()
    {
        const string knownHash = "$2b$04$abcdefghijklmnopqrstuuHGWuBSsYoq/dhlLjkkGqYsT8kazGMvm";
        try
        {
            var native = new NativeBcrypt();
            return native.Crypt("native-self-test", knownHash) == knownHash ? native : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return null;
        }
    }

    public string? Crypt(string password, string setting)
    {
        // A C string ends at NUL: the managed implementation hashes the bytes after it, so such a password would get
        // a different hash here. Refused (a login with it simply fails; registration falls back, see PasswordHasher).
        if (password.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        var phrase = NullTerminated(password);
        var settingBytes = NullTerminated(setting);
        var data = new byte[CryptDataSize]; // zeroed, as crypt_rn wants on first use
        if (CryptRn(phrase, settingBytes, data, data.Length) == IntPtr.Zero)
        {
            return null;
        }

        var length = Array.IndexOf(data, (byte)0, 0, OutputSize);
        var result = Encoding.ASCII.GetString(data, 0, length < 0 ? OutputSize : length);
        Array.Clear(phrase);
        // Failure is also reported as a "*0"/"*1" string by some builds.
        return result.StartsWith("$2", StringComparison.Ordinal) ? result : null;
    }

    private static byte[] NullTerminated(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    // The result points into data; only whether it is null is used (the output is read from data itself).
    [LibraryImport("libcrypt.so.1", EntryPoint = "crypt_rn")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial IntPtr CryptRn(byte[] phrase, byte[] setting, byte[] data, int size);
}
