using FluentValidation;
using WaypointWebhook.Admission;
using WaypointWebhook.Policy.Resolution;
using WaypointWebhook.Policy.Syntax;
using Resolution = WaypointWebhook.Policy.Resolution;

namespace WaypointWebhook.Settings;

public sealed class WebhookSettingsValidator : AbstractValidator<WebhookSettings>
{
    public WebhookSettingsValidator()
    {
        RuleFor(s => s.EnforcementMode).Must(v => OneOf(v, "Deny", "Warn")).WithMessage(s => $"must be Deny or Warn, not \"{s.EnforcementMode}\"");
        RuleFor(s => s.MissingWaypointVerdict).Must(v => OneOf(v, "Warn", "Deny")).WithMessage(s => $"must be Warn or Deny, not \"{s.MissingWaypointVerdict}\"");
        RuleFor(s => s.ReverseCheck).Must(v => OneOf(v, "Warn", "Deny")).WithMessage(s => $"must be Warn or Deny, not \"{s.ReverseCheck}\"");
        RuleFor(s => s.AuditIntervalSeconds).InclusiveBetween(0, 3600).WithMessage("must be between 0 and 3600 seconds");
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
        RuleFor(s => s.ServiceEntryVisibility == null ? null : s.ServiceEntryVisibility.Default).Must(IsVisibility).When(s => s.ServiceEntryVisibility is not null)
            .WithName("ServiceEntryVisibility:Default").WithMessage((_, value) => $"must be PUBLIC, NAMESPACE or NONE, not \"{value}\"");
        RuleForEach(s => s.ServiceEntryVisibility == null ? NoPolicies : s.ServiceEntryVisibility.Policies)
            .Must(p => IsVisibility(p.Visibility)).WithName("ServiceEntryVisibility:Policies")
            .WithMessage((_, p) => $"a policy's Visibility must be PUBLIC, NAMESPACE or NONE, not \"{p.Visibility}\"");
        RuleForEach(s => s.ServiceEntryVisibility == null ? NoPolicies : s.ServiceEntryVisibility.Policies)
            .Must(p => p.NamespaceSelector is null || LabelSelectors.Problem(p.NamespaceSelector.ToSelector()) is null).WithName("ServiceEntryVisibility:Policies")
            .WithMessage((_, p) => $"a policy's NamespaceSelector is invalid: {(p.NamespaceSelector is { } selector ? LabelSelectors.Problem(selector.ToSelector()) : null)}");
    }

    private static readonly List<WebhookSettings.VisibilityPolicySettings> NoPolicies = [];

    private static bool IsVisibility(string? value) => Resolution.ServiceEntryVisibility.IsKnown(value?.ToUpperInvariant());

    private static bool OneOf(string? value, params string[] allowed) =>
        allowed.Any(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase));
}
