using WaypointWebhook.Cluster;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Tests.Integration;

/// <summary>
/// A view source a test changes by hand: <see cref="Replace"/> swaps the snapshot and raises
/// <see cref="Changed"/>, as the live view does after a watch event. <see cref="OnRead"/> runs on every read of
/// <see cref="Current"/> (an event arriving while a pass reads the view).
/// </summary>
public sealed class ChangingViewSource(IClusterView? initial) : IClusterViewSource
{
    private IClusterView? current = initial;

    public event Action? Changed;

    public Action? OnRead { get; set; }

    public IClusterView? Current
    {
        get
        {
            OnRead?.Invoke();
            return Volatile.Read(ref current);
        }
    }

    public IReadOnlyList<ResourceStatus> Resources => [];

    public void Replace(IClusterView? view)
    {
        Volatile.Write(ref current, view);
        Raise();
    }

    public void Raise() => Changed?.Invoke();

    public ValueTask<IClusterView> ConfirmAsync(IClusterView view, ViewMisses misses, CancellationToken cancellationToken) => ValueTask.FromResult(view);

    public Task RunAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public string Describe() => current is null ? "test view: not loaded" : "test view";
}
