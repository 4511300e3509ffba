using System.Runtime.InteropServices;
using System.Text;

namespace SaasPlatform.Bench.Measurements;

/// <summary>
/// One bcrypt computation through libxcrypt's <c>crypt_rn</c>, as Identity.Api verifies passwords where the library
/// exists (it falls back to BCrypt.Net-Next elsewhere): the login baseline. Null when the library is missing.
/// </summary>
internal static partial class NativeBcrypt
{
    public static string? Crypt(string password, string setting)
    {
        try
        {
            var data = new byte[32768]; // sizeof(struct crypt_data); the output is its first member
            if (CryptRn(Z(password), Z(setting), data, data.Length) == IntPtr.Zero)
            {
                return null;
            }

            return Encoding.ASCII.GetString(data, 0, Array.IndexOf(data, (byte)0));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static byte[] Z(string text) => Encoding.UTF8.GetBytes(text + "\0");

    [LibraryImport("libcrypt.so.1", EntryPoint = "crypt_rn")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial IntPtr CryptRn(byte[] phrase, byte[] setting, byte[] data, int size);
}
