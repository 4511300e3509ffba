namespace SaasPlatform.Messaging.Database;

public static class SnakeCaseNames
{
    /// <summary>
    /// Gives every column a snake_case name (the databases the Flask platform left behind use them), unless a name was
    /// set explicitly. Call it last in <c>OnModelCreating</c>.
    /// </summary>
    public static ModelBuilder UseSnakeCaseColumns(this ModelBuilder modelBuilder)
    {
        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(entity => entity.GetProperties()))
        {
            if (property.GetColumnName() == property.Name)
            {
                property.SetColumnName(JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name));
            }
        }

        return modelBuilder;
    }
}
