using Identity.Api.Accounts;
using SaasPlatform.ServiceDefaults.Http;

namespace SaasPlatform.UnitTests.Identity.Api;

public sealed class AccountRulesTests
{
    [Theory]
    [InlineData("john.doe+test@example.co.uk")]
    [InlineData("user.name@example.co.uk")]
    [InlineData("test@example.com")]
    [InlineData("a@localhost")]
    [InlineData("x@[192.168.0.1]")]
    [InlineData("\"quoted.local\"@example.com")]
    [InlineData("user@bücher.de")]
    public void Valid_emails_are_accepted(string email) => Assert.True(EmailAddress.IsValid(email));

    [Fact]
    public void A_64_character_local_part_is_accepted() =>
        Assert.True(EmailAddress.IsValid(new string('a', 64) + "@example.com"));

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("@example.com")]
    [InlineData("user@")]
    [InlineData("user@example")]
    [InlineData("user@example.c")]
    [InlineData("us er@example.com")]
    [InlineData("user..name@example.com")]
    [InlineData("user@-example.com")]
    [InlineData("\"quoted local\"@example.com")] // marshmallow's quoted-string excludes the space
    [InlineData("")]
    public void Invalid_emails_are_refused(string email) => Assert.False(EmailAddress.IsValid(email));

    [Fact]
    public void Email_is_trimmed_and_lower_cased()
    {
        var validation = new Validation();

        Assert.Equal("john.doe@example.com", AccountRules.Email(validation, TextField.Of("  John.Doe@Example.COM ")));
        Assert.True(validation.IsValid);
    }

    [Fact]
    public void Email_longer_than_255_is_refused()
    {
        var validation = new Validation();

        Assert.Null(AccountRules.Email(validation, TextField.Of(new string('a', 64) + "@" + new string('b', 190) + ".com")));
        Assert.Contains("email", Errors(validation));
    }

    [Theory]
    [InlineData("Password1")]
    [InlineData("abcdefg1")]
    [InlineData("pässwörd1")]
    public void Strong_passwords_are_accepted(string password)
    {
        var validation = new Validation();

        Assert.Equal(password, AccountRules.NewPassword(validation, TextField.Of(password)));
        Assert.True(validation.IsValid);
    }

    [Theory]
    [InlineData("weak", "Password must be at least 8 characters")]
    [InlineData("abcdefgh", "Password must contain at least one number")]
    [InlineData("12345678", "Password must contain at least one letter")]
    [InlineData("éééééé12", "Password must contain at least one letter")] // the letter must be ASCII
    public void Weak_passwords_are_refused_with_the_original_messages(string password, string message)
    {
        var validation = new Validation();

        Assert.Null(AccountRules.NewPassword(validation, TextField.Of(password)));
        Assert.Contains(message, Errors(validation)["password"]);
    }

    [Fact]
    public void A_password_of_72_bytes_is_accepted_and_73_bytes_refused_not_truncated()
    {
        var ok = new Validation();
        var tooLong = new Validation();
        var multiByte = new Validation();

        Assert.NotNull(AccountRules.NewPassword(ok, TextField.Of("a1" + new string('x', 70))));
        Assert.Null(AccountRules.NewPassword(tooLong, TextField.Of("a1" + new string('x', 71))));
        // 37 characters but 73 bytes: the limit is bcrypt's, in UTF-8 bytes.
        Assert.Null(AccountRules.NewPassword(multiByte, TextField.Of("a1" + new string('é', 35) + "x")));
        Assert.True(ok.IsValid);
        Assert.Contains("Password must be at most 72 bytes", Errors(tooLong)["password"]);
        Assert.False(multiByte.IsValid);
    }

    [Fact]
    public void Login_password_has_no_strength_rule_but_the_byte_limit()
    {
        var ok = new Validation();
        var empty = new Validation();
        var tooLong = new Validation();

        Assert.Equal("weak", AccountRules.LoginPassword(ok, TextField.Of("weak")));
        Assert.Null(AccountRules.LoginPassword(empty, TextField.Of("")));
        Assert.Null(AccountRules.LoginPassword(tooLong, TextField.Of(new string('x', 73))));
        Assert.True(ok.IsValid);
        Assert.False(empty.IsValid);
        Assert.False(tooLong.IsValid);
    }

    [Fact]
    public void Names_are_trimmed_and_limited_to_100_characters()
    {
        var validation = new Validation();

        Assert.Equal("Ada", AccountRules.Name(validation, "first_name", "First name", TextField.Of("  Ada "), required: true));
        Assert.Equal(new string('n', 100), AccountRules.Name(validation, "last_name", "Last name", TextField.Of(new string('n', 100)), required: true));
        Assert.True(validation.IsValid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public void Empty_or_whitespace_names_are_refused(string name)
    {
        var validation = new Validation();

        Assert.Null(AccountRules.Name(validation, "first_name", "First name", TextField.Of(name), required: true));
        Assert.Contains("First name must be between 1 and 100 characters", Errors(validation)["first_name"]);
    }

    [Fact]
    public void A_101_character_name_is_refused()
    {
        var validation = new Validation();

        Assert.Null(AccountRules.Name(validation, "last_name", "Last name", TextField.Of(new string('n', 101)), required: true));
        Assert.Contains("last_name", Errors(validation));
    }

    [Fact]
    public void Null_missing_and_wrong_type_are_told_apart()
    {
        var validation = new Validation();

        AccountRules.Name(validation, "first_name", "First name", TextField.Of(null), required: false);
        AccountRules.Name(validation, "last_name", "Last name", TextField.Missing, required: true);
        AccountRules.Email(validation, new TextField(true, null, WrongType: true));
        var optionalAbsent = new Validation();
        AccountRules.Name(optionalAbsent, "first_name", "First name", TextField.Missing, required: false);

        var errors = Errors(validation);
        Assert.Contains("Field may not be null.", errors["first_name"]);
        Assert.Contains("Missing data for required field.", errors["last_name"]);
        Assert.Contains("Not a valid string.", errors["email"]);
        Assert.True(optionalAbsent.IsValid);
    }

    private static Dictionary<string, List<string>> Errors(Validation validation) =>
        (Dictionary<string, List<string>>)validation.ToError().Value.Details!;
}
