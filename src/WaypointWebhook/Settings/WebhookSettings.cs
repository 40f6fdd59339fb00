using FluentValidation;
using Model = WaypointWebhook.Policy.Model;
using Resolution = WaypointWebhook.Policy.Resolution;
using WaypointWebhook.Admission;
using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Configuration;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;
using WaypointWebhook.Policy.Syntax;

namespace WaypointWebhook.Settings;

/// <summary>
/// Settings beyond the command-line flags, from standard .NET configuration: <c>appsettings.json</c>,
/// environment (<c>Webhook__EnforcementMode=Warn</c>) and <c>--Webhook:EnforcementMode=Warn</c>.
/// Read as text and validated at start-up, so a bad value fails with a message naming the key.
/// </summary>
public sealed class WebhookSettings
{
    public const string Section = "Webhook";

    public string EnforcementMode { get; set; } = PolicyOptions.Defaults.Enforcement.ToString();

    public string MissingWaypointVerdict { get; set; } = PolicyOptions.Defaults.MissingWaypointVerdict.ToString();

    /// <summary>
    /// What the reverse check does with the consumers a Gateway, GatewayClass or Namespace change unbinds (spec
    /// section 7): <c>Warn</c> (the default) or <c>Deny</c>, DELETE included.
    /// </summary>
    public string ReverseCheck { get; set; } = PolicyOptions.Defaults.ReverseCheck.ToString();

    /// <summary>
    /// The live audit's pause between two passes: a burst of watch events costs one pass, and a steady churn
    /// at most one per interval. 0 re-judges as soon as the previous pass is done.
    /// </summary>
    public double AuditIntervalSeconds { get; set; } = 1;

    public List<string> WaypointControllers { get; set; } = [.. PolicyOptions.DefaultWaypointControllers];

    public List<string> WaypointClassNames { get; set; } = [.. PolicyOptions.DefaultWaypointClassNames];

    public List<string> ExcludedNamespaces { get; set; } = [.. PolicyOptions.DefaultExcludedNamespaces];

    /// <summary>The webhook's own namespace, always excluded (set from the downward API as POD_NAMESPACE).</summary>
    public string? OwnNamespace { get; set; }

    /// <summary><c>Text</c> for people, <c>Json</c> (Serilog compact JSON) for log pipelines.</summary>
    public string LogFormat { get; set; } = "Text";

    public string LogLevel { get; set; } = "Information";

    /// <summary>An AdmissionReview carries the object and the old object; the API server caps each at 3 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>
    /// Request body bytes buffered across all requests in flight; a request beyond it gets 429 at once. Sized
    /// against the container's memory limit: README "Limits and the memory budget".
    /// </summary>
    public long MaxBufferedBodyBytes { get; set; } = 10L * 1024 * 1024;

    /// <summary>A request body must arrive whole within this time (408 otherwise), so a slow one cannot hold its share of the budget.</summary>
    public double RequestBodyTimeoutSeconds { get; set; } = 10;

    /// <summary>Connections Kestrel accepts at once on the admission port (each may buffer up to 1 MiB).</summary>
    public int MaxConnections { get; set; } = 64;

    /// <summary>Concurrent HTTP/2 streams per connection.</summary>
    public int MaxStreamsPerConnection { get; set; } = 32;

    /// <summary>On SIGTERM: keep serving (and report not ready) this long before draining.</summary>
    public double ShutdownDelaySeconds { get; set; } = 5;

    /// <summary>How often the certificate files are checked for a rotation.</summary>
    public double CertificateReloadSeconds { get; set; } = 10;

    /// <summary>Whether <c>/mutate</c> stamps <c>istio.io/waypoint-for: service</c> on waypoint Gateways (spec section 6).</summary>
    public bool MutationEnabled { get; set; } = PolicyOptions.Defaults.MutationEnabled;

    /// <summary>
    /// A mirror of istiod's meshConfig <c>serviceEntryVisibility</c>, for rule W14; null (not configured): W14
    /// is not checked, since the webhook cannot read istiod's mesh configuration.
    /// </summary>
    public VisibilitySettings? ServiceEntryVisibility { get; set; }

    /// <summary><c>Webhook:ServiceEntryVisibility</c>: the default and the policies, first match wins.</summary>
    public sealed class VisibilitySettings
    {
        /// <summary><c>PUBLIC</c>, <c>NAMESPACE</c> or <c>NONE</c>, as in meshConfig.</summary>
        public string Default { get; set; } = Resolution.ServiceEntryVisibility.Public;

        public List<VisibilityPolicySettings> Policies { get; set; } = [];
    }

    /// <summary>One policy: a visibility for the namespaces its selector matches (no selector: every namespace).</summary>
    public sealed class VisibilityPolicySettings
    {
        public string Visibility { get; set; } = string.Empty;

        public SelectorSettings? NamespaceSelector { get; set; }
    }

    /// <summary>A Kubernetes label selector, as configuration binds it.</summary>
    public sealed class SelectorSettings
    {
        public Dictionary<string, string> MatchLabels { get; set; } = [];

        public List<RequirementSettings> MatchExpressions { get; set; } = [];

        public LabelSelector ToSelector() =>
            new(
                MatchLabels.ToDictionary(p => p.Key, p => (string?)p.Value),
                MatchExpressions.Select(e => new LabelSelectorRequirement(e.Key, e.Operator, e.Values.Select(v => (string?)v).ToList())).ToList());
    }

    public sealed class RequirementSettings
    {
        public string? Key { get; set; }

        public string? Operator { get; set; }

        public List<string> Values { get; set; } = [];
    }

    public static WebhookSettings Load(IConfiguration configuration)
    {
        var settings = new WebhookSettings();
        var section = configuration.GetSection(Section);

        // Lists are replaced, not merged index by index, when configuration names them.
        if (section.GetSection(nameof(WaypointControllers)).Exists())
        {
            settings.WaypointControllers = [];
        }

        if (section.GetSection(nameof(WaypointClassNames)).Exists())
        {
            settings.WaypointClassNames = [];
        }

        if (section.GetSection(nameof(ExcludedNamespaces)).Exists())
        {
            settings.ExcludedNamespaces = [];
        }

        section.Bind(settings);
        settings.OwnNamespace ??= Environment.GetEnvironmentVariable("POD_NAMESPACE");
        var result = new WebhookSettingsValidator().Validate(settings);
        if (!result.IsValid)
        {
            throw new SettingsException(string.Join(Environment.NewLine, result.Errors.Select(e => $"{Section}:{e.PropertyName}: {e.ErrorMessage}")));
        }

        return settings;
    }

    public PolicyOptions ToPolicyOptions() => new()
    {
        Enforcement = Enum.Parse<Policy.Configuration.EnforcementMode>(EnforcementMode, ignoreCase: true),
        MissingWaypointVerdict = Enum.Parse<Verdict>(MissingWaypointVerdict, ignoreCase: true),
        ReverseCheck = Enum.Parse<ReverseCheckMode>(ReverseCheck, ignoreCase: true),
        WaypointControllers = WaypointControllers.ToHashSet(StringComparer.Ordinal),
        WaypointClassNames = WaypointClassNames.ToHashSet(StringComparer.Ordinal),
        ExcludedNamespaces = ExcludedNamespaces.Concat(OwnNamespace is { Length: > 0 } own ? [own] : []).ToHashSet(StringComparer.Ordinal),
        MutationEnabled = MutationEnabled,
        ServiceEntryVisibility = ServiceEntryVisibility is { } visibility
            ? new Resolution.ServiceEntryVisibility(
                visibility.Default.ToUpperInvariant(),
                visibility.Policies.Select(p => new VisibilityPolicy(p.Visibility.ToUpperInvariant(), p.NamespaceSelector?.ToSelector())).ToList())
            : null,
    };
}
