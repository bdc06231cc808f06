using Azure.Data.Tables;

namespace VodFunctions.Cli.Tests;

/// <summary>The delete verbs send an idempotency key: the client's own per call, or the one given with <c>--idempotency-key</c>.</summary>
public sealed class IdempotencyVerbTests
{
    [Fact]
    public async Task DeletesSendAKeyAndAGivenKeyRepeatsTheFirstAnswer()
    {
        await using var app = await TestApp.StartAsync();
        var (first, second) = (await app.SeedFileAsync("attached"), await app.SeedFileAsync("attached"));

        var byDefault = await Vod.RunAsync(app, "--json", "delete-attached-media", "--yes", first.Id);
        var keys = await KeysKeptAsync(app);
        var given = await Vod.RunAsync(app, "--json", "delete-attached-media", "--yes", "--idempotency-key", "cli-cleanup-1", second.Id);
        var again = await Vod.RunAsync(app, "--json", "delete-attached-media", "--yes", "--idempotency-key", "cli-cleanup-1", second.Id);
        var conflict = await Vod.RunAsync(app, "--json", "delete-attached-media", "--yes", "--idempotency-key", "cli-cleanup-1", first.Id);

        byDefault.ExitCode.Should().Be(0, byDefault.ToString());
        keys.Should().Be(1, "the delete sent a key of its own, kept with its answer");
        given.ExitCode.Should().Be(0, given.ToString());
        again.ExitCode.Should().Be(0, again.ToString());
        again.Out.Should().Be(given.Out, "the repeat answers the first answer, RequestId and all");
        conflict.ExitCode.Should().NotBe(0);
        conflict.Error.Should().Contain("InvalidParameter").And.Contain("cli-cleanup-1");
        (await KeysKeptAsync(app)).Should().Be(2);
        (await app.EventsAsync()).Should().HaveCount(2, "each attached media was deleted once");
    }

    /// <summary>The idempotency keys the app keeps, over its day tables.</summary>
    private static async Task<int> KeysKeptAsync(TestApp app)
    {
        var count = 0;
        await foreach (var table in TestStorage.Tables.QueryAsync($"TableName ge '{app.TablePrefix}Idempotency' and TableName lt '{app.TablePrefix}Idempotency~'"))
            await foreach (var _ in TestStorage.Tables.GetTableClient(table.Name).QueryAsync<TableEntity>()) count++;
        return count;
    }
}
