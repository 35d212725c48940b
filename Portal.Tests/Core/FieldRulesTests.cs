using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Tickets;

namespace Portal.Tests.Core;

public class FieldRulesTests
{
    private static CustomField Field(int id, FieldKind kind, bool required = false, string options = "") =>
        new() { Id = id, Label = $"F{id}", Kind = kind, Required = required, Options = options };

    private static (Dictionary<int, string> Values, ValidationErrors Errors) Run(CustomField field, string? value, bool enforceRequired = true)
    {
        var errors = new ValidationErrors();
        var values = FieldRules.Normalise([field], new Dictionary<int, string?> { [field.Id] = value }, errors, enforceRequired);
        return (values, errors);
    }

    [Fact]
    public void Normalise_RequiredFieldMissing_NamesTheField()
    {
        var (_, errors) = Run(Field(7, FieldKind.Text, required: true), "  ");
        var ex = Assert.Throws<DeskValidationException>(errors.ThrowIfAny);
        Assert.Equal("F7 is required.", ex.Errors["Fields[7]"]);
    }

    [Fact]
    public void Normalise_RequiredNotEnforced_EmptyIsDropped()
    {
        var (values, errors) = Run(Field(7, FieldKind.Text, required: true), "", enforceRequired: false);
        Assert.False(errors.Any);
        Assert.Empty(values);
    }

    [Theory]
    [InlineData(FieldKind.Number, "12.50", "12.50")]
    [InlineData(FieldKind.Number, "1,200", "1200")]
    [InlineData(FieldKind.Date, "2026-12-24", "2026-12-24")]
    [InlineData(FieldKind.YesNo, "yes", "Yes")]
    [InlineData(FieldKind.YesNo, "FALSE", "No")]
    [InlineData(FieldKind.Text, "  padded  ", "padded")]
    public void Normalise_ValidValue_IsStoredInCanonicalForm(FieldKind kind, string input, string stored)
    {
        var (values, errors) = Run(Field(1, kind), input);
        Assert.False(errors.Any);
        Assert.Equal(stored, values[1]);
    }

    [Theory]
    [InlineData(FieldKind.Number, "twelve", "must be a number")]
    [InlineData(FieldKind.Date, "24.12.2026", "must be a date as YYYY-MM-DD")]
    [InlineData(FieldKind.Date, "2026-02-30", "must be a date as YYYY-MM-DD")]
    [InlineData(FieldKind.YesNo, "maybe", "must be Yes or No")]
    public void Normalise_MalformedValue_ExplainsWhatIsExpected(FieldKind kind, string input, string expected)
    {
        var (_, errors) = Run(Field(3, kind), input);
        var ex = Assert.Throws<DeskValidationException>(errors.ThrowIfAny);
        Assert.Contains(expected, ex.Errors["Fields[3]"]);
        Assert.Contains(input, ex.Errors["Fields[3]"]);
    }

    [Fact]
    public void Normalise_ChoiceOutsideOptions_ListsTheOptions()
    {
        var (_, errors) = Run(Field(4, FieldKind.Choice, options: "Red\nGreen"), "Blue");
        var ex = Assert.Throws<DeskValidationException>(errors.ThrowIfAny);
        Assert.Contains("Red, Green", ex.Errors["Fields[4]"]);
    }

    [Fact]
    public void Normalise_ChoiceInOtherCase_TakesTheOptionsSpelling()
    {
        var (values, _) = Run(Field(4, FieldKind.Choice, options: "macOS\nLinux"), "MACOS");
        Assert.Equal("macOS", values[4]);
    }

    [Fact]
    public void Normalise_TooLong_IsRefused()
    {
        var (_, errors) = Run(Field(5, FieldKind.Text), new string('x', TicketLimits.FieldValueMax + 1));
        Assert.True(errors.Any);
    }
}
