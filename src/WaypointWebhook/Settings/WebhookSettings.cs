using FluentValidation;
using WaypointWebhook.Admission;
using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Model;
using WaypointWebhook.Policy.Resolution;
using WaypointWebhook.Policy.Syntax;
using Model = WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Settings;

/// <summary>
/// Settings beyond the command-line flags, from standard .NET configuration: <c>appsettings.json</c>,
/// environment (<c>Webhook__EnforcementMode=Warn</c>) and <c>--Webhook:EnforcementMode=Warn</c>.
/// Read as text and validated at start-up, so a bad value fails with a message naming the key.
/// </summary>
public sealed class WebhookSettings
{
    public const string Section = "Webhook";

    public string EnforcementMode { get; set; } = "Deny";

    public string MissingWaypointVerdict { get; set; } = "Warn";

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
    public bool MutationEnabled { get; set; } = true;

    /// <summary>
    /// A mirror of istiod's meshConfig <c>serviceEntryVisibility</c>, for rule W14; null (not configured): W14
    /// is not checked, since the webhook cannot read istiod's mesh configuration.
    /// </summary>
    public VisibilitySettings? ServiceEntryVisibility { get; set; }

    /// <summary><c>Webhook:ServiceEntryVisibility</c>: the default and the policies, first match wins.</summary>
    public sealed class VisibilitySettings
    {
        /// <summary><c>PUBLIC</c>, <c>NAMESPACE</c> or <c>NONE</c>, as in meshConfig.</summary>
        public string Default { get; set; } = Model.ServiceEntryVisibility.Public;

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
        Enforcement = Enum.Parse<Policy.EnforcementMode>(EnforcementMode, ignoreCase: true),
        MissingWaypointVerdict = Enum.Parse<Verdict>(MissingWaypointVerdict, ignoreCase: true),
        WaypointControllers = WaypointControllers.ToHashSet(StringComparer.Ordinal),
        WaypointClassNames = WaypointClassNames.ToHashSet(StringComparer.Ordinal),
        ExcludedNamespaces = ExcludedNamespaces.Concat(OwnNamespace is { Length: > 0 } own ? [own] : []).ToHashSet(StringComparer.Ordinal),
        MutationEnabled = MutationEnabled,
        ServiceEntryVisibility = ServiceEntryVisibility is { } visibility
            ? new Model.ServiceEntryVisibility(
                visibility.Default.ToUpperInvariant(),
                visibility.Policies.Select(p => new VisibilityPolicy(p.Visibility.ToUpperInvariant(), p.NamespaceSelector?.ToSelector())).ToList())
            : null,
    };
}

public sealed class SettingsException(string message) : Exception(message);

public sealed class WebhookSettingsValidator : AbstractValidator<WebhookSettings>
{
    public WebhookSettingsValidator()
    {
        RuleFor(s => s.EnforcementMode).Must(v => OneOf(v, "Deny", "Warn")).WithMessage(s => $"must be Deny or Warn, not \"{s.EnforcementMode}\"");
        RuleFor(s => s.MissingWaypointVerdict).Must(v => OneOf(v, "Warn", "Deny")).WithMessage(s => $"must be Warn or Deny, not \"{s.MissingWaypointVerdict}\"");
        RuleFor(s => s.LogFormat).Must(v => OneOf(v, "Text", "Json")).WithMessage(s => $"must be Text or Json, not \"{s.LogFormat}\"");
        RuleFor(s => s.LogLevel).Must(v => Enum.TryParse<Serilog.Events.LogEventLevel>(v, ignoreCase: true, out _))
            .WithMessage(s => $"must be Verbose, Debug, Information, Warning, Error or Fatal, not \"{s.LogLevel}\"");
        RuleFor(s => s.WaypointControllers).NotEmpty().WithMessage("must name at least one waypoint controller");
        RuleForEach(s => s.WaypointControllers).NotEmpty().WithMessage("must not be empty");
        RuleForEach(s => s.WaypointClassNames).Must(n => KubernetesNames.IsDns1123Subdomain(n)).WithMessage((_, n) => $"\"{n}\" is not a valid GatewayClass name");
        RuleForEach(s => s.ExcludedNamespaces).Must(KubernetesNames.IsDns1123Label).WithMessage((_, n) => $"\"{n}\" is not a valid namespace name");
        RuleFor(s => s.ShutdownDelaySeconds).InclusiveBetween(0, 120).WithMessage("must be between 0 and 120 seconds");
        RuleFor(s => s.CertificateReloadSeconds).InclusiveBetween(0.05, 3600).WithMessage("must be between 0.05 and 3600 seconds");
        RuleFor(s => s.MaxRequestBodyBytes).InclusiveBetween(64 * 1024, 64L * 1024 * 1024).WithMessage("must be between 65536 and 67108864 bytes");
        RuleFor(s => s.MaxBufferedBodyBytes).InclusiveBetween(1024 * 1024, 1024L * 1024 * 1024).WithMessage("must be between 1048576 and 1073741824 bytes");
        RuleFor(s => s.MaxBufferedBodyBytes).Must((s, v) => v >= s.MaxRequestBodyBytes + RequestBodyBudget.ReserveFor(v))
            .WithMessage(s => $"must leave room for one body of MaxRequestBodyBytes ({s.MaxRequestBodyBytes}) beside the part kept for small bodies: at least {s.MaxRequestBodyBytes + RequestBodyBudget.ReserveFor(s.MaxBufferedBodyBytes)}");
        RuleFor(s => s.RequestBodyTimeoutSeconds).InclusiveBetween(1, 60).WithMessage("must be between 1 and 60 seconds");
        RuleFor(s => s.MaxConnections).InclusiveBetween(1, 10_000).WithMessage("must be between 1 and 10000");
        RuleFor(s => s.MaxStreamsPerConnection).InclusiveBetween(1, 1000).WithMessage("must be between 1 and 1000");
        RuleFor(s => s.ServiceEntryVisibility!.Default).Must(IsVisibility).When(s => s.ServiceEntryVisibility is not null)
            .WithName("ServiceEntryVisibility:Default").WithMessage(s => $"must be PUBLIC, NAMESPACE or NONE, not \"{s.ServiceEntryVisibility!.Default}\"");
        RuleForEach(s => s.ServiceEntryVisibility == null ? NoPolicies : s.ServiceEntryVisibility.Policies)
            .Must(p => IsVisibility(p.Visibility)).WithName("ServiceEntryVisibility:Policies")
            .WithMessage((_, p) => $"a policy's Visibility must be PUBLIC, NAMESPACE or NONE, not \"{p.Visibility}\"");
        RuleForEach(s => s.ServiceEntryVisibility == null ? NoPolicies : s.ServiceEntryVisibility.Policies)
            .Must(p => p.NamespaceSelector is null || LabelSelectors.Problem(p.NamespaceSelector.ToSelector()) is null).WithName("ServiceEntryVisibility:Policies")
            .WithMessage((_, p) => $"a policy's NamespaceSelector is invalid: {LabelSelectors.Problem(p.NamespaceSelector!.ToSelector())}");
    }

    private static readonly List<WebhookSettings.VisibilityPolicySettings> NoPolicies = [];

    private static bool IsVisibility(string? value) => Model.ServiceEntryVisibility.IsKnown(value?.ToUpperInvariant());

    private static bool OneOf(string? value, params string[] allowed) =>
        allowed.Any(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase));
}
