using Npgsql;

namespace SaasPlatform.EndToEndTests.Identity;

/// <summary>Direct SQL on identitydb, for what has no public API (deactivating a user "by any means").</summary>
internal static class IdentityDatabase
{
    public static async Task<int> ExecuteAsync(PlatformFixture platform, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(await platform.GetConnectionStringAsync("identitydb"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync();
    }

    public static async Task<T?> ScalarAsync<T>(PlatformFixture platform, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(await platform.GetConnectionStringAsync("identitydb"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }
}
