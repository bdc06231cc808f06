using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VodFunctions.Functions.Alibaba;

namespace VodFunctions.Functions.Tests.Alibaba;

/// <summary>The nonces of signed requests in Table storage: used once across instances, old days dropped whole.</summary>
public sealed class NonceStoreTests
{
    [Fact]
    public async Task ANonceIsUsedOnceAcrossInstancesAndPerKey()
    {
        await using var first = await TestApp.StartAsync();
        await using var second = await TestApp.StartAsync(first.SharedStorage());
        var (one, other) = (first.Services.GetRequiredService<NonceStore>(), second.Services.GetRequiredService<NonceStore>());
        var now = DateTimeOffset.UtcNow;

        (await one.TryUseAsync("LTAIa", "nonce-1", now, default)).Should().BeTrue();
        (await other.TryUseAsync("LTAIa", "nonce-1", now, default)).Should().BeFalse("another instance sees the nonce used");
        (await other.TryUseAsync("LTAIb", "nonce-1", now, default)).Should().BeTrue("a nonce is one key's");
        (await one.TryUseAsync("LTAIa", "nonce-2", now, default)).Should().BeTrue();
    }

    [Fact]
    public async Task ADaysTableIsDroppedWholeTwoDaysOn()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 23, 55, 0, TimeSpan.Zero));
        await using var app = await TestApp.StartAsync(configure: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        var nonces = app.Services.GetRequiredService<NonceStore>();
        async Task<List<string>> TablesAsync()
        {
            var names = new List<string>();
            await foreach (var table in TestStorage.Tables.QueryAsync($"TableName ge '{app.TablePrefix}Nonces' and TableName lt '{app.TablePrefix}Nonces~'")) names.Add(table.Name);
            return names;
        }

        (await nonces.TryUseAsync("LTAIa", "n", clock.GetUtcNow(), default)).Should().BeTrue();
        clock.Advance(TimeSpan.FromMinutes(10));
        (await nonces.TryUseAsync("LTAIa", "n", clock.GetUtcNow().AddMinutes(-10), default)).Should().BeFalse("a replay carries its signed timestamp, so it lands in the same day's table");
        (await nonces.TryUseAsync("LTAIa", "m", clock.GetUtcNow(), default)).Should().BeTrue();
        var twoDays = await TablesAsync();
        clock.Advance(TimeSpan.FromDays(1));
        (await nonces.TryUseAsync("LTAIa", "m", clock.GetUtcNow(), default)).Should().BeTrue();

        twoDays.Should().Equal($"{app.TablePrefix}Nonces20260301", $"{app.TablePrefix}Nonces20260302");
        (await TablesAsync()).Should().Equal($"{app.TablePrefix}Nonces20260302", $"{app.TablePrefix}Nonces20260303");
    }
}
