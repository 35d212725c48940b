using System.Net;
using System.Text;
using System.Text.Json;
using Portal.Cli;
using Portal.Tests.Core.Sla;

namespace Portal.Tests.Integration;

/// <summary>The simulator from the command line and over HTTP: the same engine, the same bytes.</summary>
public class SlaSimulatorTests(PortalWebFixture fx) : IClassFixture<PortalWebFixture>
{
    private static async Task<(int Code, string Out, string Err)> Cli(string[] args, string? stdin = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliRunner.RunAsync(args, output, error, input: new StringReader(stdin ?? ""));
        return (code, output.ToString(), error.ToString());
    }

    private const string BadScenario = """
        { "targets": { "High": { "firstResponse": "PT1H" } },
          "events": [ { "at": "2026-12-08T07:00:00Z", "type": "created", "priority": "High" },
                      { "at": "2026-12-08T07:10:00Z", "type": "comment" } ],
          "at": "2026-12-08T08:00:00Z" }
        """;

    [Fact]
    public async Task Cli_File_PrintsTheResult()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, SpecExampleTests.Example);
        try
        {
            var (code, output, error) = await Cli(["sla", "simulate", file]);
            Assert.Equal(0, code);
            Assert.Equal("", error);
            Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(SpecExampleTests.ExpectedResult).RootElement, JsonDocument.Parse(output).RootElement));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Cli_StandardInput_PrintsTheResult()
    {
        var (code, output, _) = await Cli(["sla", "simulate", "-"], SpecExampleTests.Example);
        Assert.Equal(0, code);
        Assert.Contains("\"priority\": \"Critical\"", output);
    }

    [Fact]
    public async Task Cli_BadInput_NamesTheFieldOnStandardError_ExitTwo()
    {
        var (code, output, error) = await Cli(["sla", "simulate", "-"], BadScenario);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.StartsWith("events[1].type: unknown event type \"comment\"", error);
    }

    [Fact]
    public async Task Binary_PrintsOnlyTheResultDocument_OnStandardOutput()
    {
        // The real program, as an admin runs it: nothing but the document on standard output.
        var portal = Path.Combine(AppContext.BaseDirectory, "Portal.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [portal, "sla", "simulate", "-"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        await process.StandardInput.WriteAsync(SpecExampleTests.Example);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        Assert.Equal("", error);
        Assert.Equal(Portal.Core.Sla.SlaSimulator.Run(SpecExampleTests.Example), output);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("no\0such")]
    public async Task Cli_AFileNameThatCannotBeRead_SaysSo_ExitTwo(string name)
    {
        var (code, output, error) = await Cli(["sla", "simulate", name]);
        Assert.Equal((2, ""), (code, output));
        Assert.StartsWith("sla simulate: cannot read", error);
    }

    [Fact]
    public async Task Cli_MissingFile_ExitTwo()
    {
        var (code, _, error) = await Cli(["sla", "simulate", "/no/such/scenario.json"]);
        Assert.Equal(2, code);
        Assert.Contains("cannot read", error);
    }

    [Fact]
    public async Task Api_Admin_GetsTheSameBytesAsTheCli()
    {
        var (_, cliOutput, _) = await Cli(["sla", "simulate", "-"], SpecExampleTests.Example);
        var response = await fx.Factory.ClientFor(fx.Org.Admin.Id).PostAsync("/api/sla/simulate",
            new StringContent(SpecExampleTests.Example, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Encoding.UTF8.GetBytes(cliOutput), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Api_BadInput_Is400ProblemDetailsNamingTheField()
    {
        var response = await fx.Factory.ClientFor(fx.Org.Admin.Id).PostAsync("/api/sla/simulate",
            new StringContent(BadScenario, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("events[1].type", doc.RootElement.GetProperty("field").GetString());
        Assert.Contains("unknown event type \"comment\"", doc.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Api_ABodyOverTheLimit_IsRefused413_EvenWhenSentInChunksWithoutALength()
    {
        var client = fx.Factory.ClientFor(fx.Org.Admin.Id);
        var huge = new string(' ', Portal.Api.SlaEndpoints.MaxScenarioBytes) + SpecExampleTests.Example;
        var chunked = await client.PostAsync("/api/sla/simulate", new UnsizedContent(Encoding.UTF8.GetBytes(huge)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        Assert.Contains("too large", await chunked.Content.ReadAsStringAsync());
        // The same scenario within the limit, unsized, still runs.
        var fits = await client.PostAsync("/api/sla/simulate", new UnsizedContent(Encoding.UTF8.GetBytes(SpecExampleTests.Example)));
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
    }

    /// <summary>A body that does not say its length, as a chunked upload does not.</summary>
    private sealed class UnsizedContent(byte[] bytes) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            for (var i = 0; i < bytes.Length; i += 64 * 1024)
                await stream.WriteAsync(bytes.AsMemory(i, Math.Min(64 * 1024, bytes.Length - i)));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Theory]
    [InlineData("ItAgent", HttpStatusCode.Forbidden)]
    [InlineData("Requester", HttpStatusCode.Forbidden)]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    public async Task Api_OnlyAdmins(string? role, HttpStatusCode expected)
    {
        var client = fx.Factory.ClientFor(role is null ? null : fx.Org.ByRole[role].Id);
        var response = await client.PostAsync("/api/sla/simulate", new StringContent(SpecExampleTests.Example, Encoding.UTF8, "application/json"));
        Assert.Equal(expected, response.StatusCode);
    }
}
