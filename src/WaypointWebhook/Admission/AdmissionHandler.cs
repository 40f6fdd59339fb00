using System.Buffers;
using System.Text.Json;
using WaypointWebhook.Cluster;
using WaypointWebhook.Objects;
using WaypointWebhook.Policy;
using WaypointWebhook.Policy.Model;

namespace WaypointWebhook.Admission;

/// <summary>
/// The wire half of the webhook: AdmissionReview bytes in, an answer out. Knows JSON and the admission
/// contract (spec section 8); every decision comes from <see cref="WaypointPolicy"/>, every fact about the
/// cluster from the <see cref="IClusterViewSource"/>.
/// </summary>
public sealed class AdmissionHandler(WaypointPolicy policy, IClusterViewSource views)
{
    private const string ApiVersion = "admission.k8s.io/v1";

    /// <summary>
    /// Answers one review: decoded once and judged once, against one snapshot of the cluster view. When the
    /// snapshot lacks an object whose absence could decide a denial (a view can lag the API server by a
    /// moment), the view source confirms it first; what it cannot confirm only warns. With a view of files,
    /// or nothing missing, this completes synchronously.
    /// </summary>
    public async ValueTask<AdmissionOutcome> HandleAsync(ReadOnlySequence<byte> body, AdmissionEndpoint endpoint, CancellationToken cancellationToken)
    {
        var decoded = Decode(body);
        if (decoded.Outcome is { } early)
        {
            return early;
        }

        var (request, operation, kind) = (decoded.Request!, decoded.Operation, decoded.Kind!);
        if (views.Current is not { } view)
        {
            // Readiness keeps the API server away until the view is loaded; answer as failurePolicy would.
            return new BadRequest(503, BadRequestCause.NotReady, "the cluster view is not loaded yet: " + views.Describe(), request.Uid);
        }

        var subject = SubjectReader.Read(kind, request.Object!, request.Namespace, request.Name);
        var misses = endpoint == AdmissionEndpoint.Validate ? MissFinder.Find(subject, view, policy.Options) : ViewMisses.None;
        if (!misses.IsEmpty)
        {
            view = await views.ConfirmAsync(view, misses, cancellationToken).ConfigureAwait(false);
        }

        return endpoint == AdmissionEndpoint.Validate
            ? Validate(policy, request, operation, kind, subject, view)
            : Mutate(policy, request, operation, subject, view);
    }

    /// <summary>A review read as far as it goes: an outcome already (bad request, unevaluated allow), or a request to judge.</summary>
    private readonly record struct Decoded(AdmissionOutcome? Outcome, AdmissionRequest? Request = null, Operation Operation = default, HandledKind? Kind = null);

    private static Decoded Decode(ReadOnlySequence<byte> body)
    {
        if (body.IsEmpty)
        {
            return new(new BadRequest(400, BadRequestCause.EmptyBody, "request body is empty: expected an AdmissionReview (admission.k8s.io/v1)"));
        }

        AdmissionReviewRequest? review;
        try
        {
            var reader = new Utf8JsonReader(body);
            review = JsonSerializer.Deserialize(ref reader, WireJsonContext.Default.AdmissionReviewRequest);
            if (HasTrailingData(ref reader))
            {
                return new(new BadRequest(400, BadRequestCause.MalformedJson, "request body has data after the AdmissionReview: expected exactly one JSON object"));
            }
        }
        catch (JsonException objectError)
        {
            return new(FromHeaderOnly(body, objectError));
        }

        if (Envelope(review?.ApiVersion, review?.Kind, review?.Request) is { } bad)
        {
            return new(bad);
        }

        var request = review!.Request!;
        if (ParseOperation(request.Operation) is not { } operation)
        {
            return new(new BadRequest(400, BadRequestCause.InvalidOperation, $"request.operation \"{Clip(request.Operation)}\" is not CREATE, UPDATE, DELETE or CONNECT", request.Uid));
        }

        var kind = HandledKinds.Find(request.Kind?.Group, request.Kind?.Kind);
        if (kind is null || operation is Operation.Delete or Operation.Connect)
        {
            return new(Allow(request));
        }

        if (request.Object is null)
        {
            return new(new BadRequest(400, BadRequestCause.InvalidObject, $"request.object is required for {request.Operation} of {kind.Kind}", request.Uid));
        }

        return new(null, request, operation, kind);
    }

    /// <summary>
    /// Whether anything but white space follows the one JSON value: two reviews, or a review and garbage,
    /// are not one AdmissionReview (the reader itself refuses a second value and stray bytes).
    /// </summary>
    private static bool HasTrailingData(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.Read();
        }
        catch (JsonException)
        {
            return true;
        }
    }

    private static Answered Validate(WaypointPolicy policy, AdmissionRequest request, Operation operation, HandledKind kind, Subject subject, IClusterView view)
    {
        var old = request.OldObject is null ? null : SubjectReader.Read(kind, request.OldObject, request.Namespace, request.Name);
        var decision = policy.Review(operation, subject, old, view);
        var response = new AdmissionResponse { Uid = request.Uid!, Allowed = decision.Allowed };
        if (!decision.Allowed)
        {
            response.Status = new AdmissionStatus { Code = 403, Reason = "Forbidden", Message = AdmissionMessages.DenyMessage(decision.Denials) };
        }

        if (decision.Warnings.Count > 0)
        {
            response.Warnings = decision.Warnings.Select(AdmissionMessages.Warning).ToList();
        }

        return Answer(request, response, subject, decision.Denials, decision.Warnings, evaluated: true, patched: false);
    }

    private static Answered Mutate(WaypointPolicy policy, AdmissionRequest request, Operation operation, Subject subject, IClusterView view)
    {
        var response = new AdmissionResponse { Uid = request.Uid!, Allowed = true };
        if (subject is GatewaySubject gateway && policy.DefaultTrafficType(operation, gateway, view) is { } trafficType)
        {
            // The annotation records that the webhook stamped the label, not a person (spec sections 6, 7).
            response.Patch = JsonPatch.AddLabelAndAnnotation(
                request.Object!,
                (WaypointLabels.WaypointFor, trafficType),
                (WaypointLabels.DefaultedAnnotation, WaypointLabels.WaypointFor));
            response.PatchType = JsonPatch.PatchType;
        }

        return Answer(request, response, subject, [], [], evaluated: true, patched: response.Patch is not null);
    }

    private static Answered Allow(AdmissionRequestHeader request) =>
        new(
            new AdmissionReviewResponse { Response = new AdmissionResponse { Uid = request.Uid!, Allowed = true } },
            request.Uid!,
            request.Kind?.Kind ?? string.Empty,
            request.Namespace,
            request.Name,
            request.Operation!,
            request.DryRun == true,
            [],
            [],
            Evaluated: false,
            Patched: false);

    private static Answered Answer(AdmissionRequest request, AdmissionResponse response, Subject subject, IReadOnlyList<Finding> denials, IReadOnlyList<Finding> warnings, bool evaluated, bool patched) =>
        new(
            new AdmissionReviewResponse { Response = response },
            request.Uid!,
            subject.Object.Kind,
            subject.Object.Namespace,
            subject.Object.Name,
            request.Operation!,
            request.DryRun == true,
            denials,
            warnings,
            evaluated,
            patched);

    /// <summary>
    /// The objects did not decode. If the envelope does, the review is valid but its object is not what its
    /// kind promises: allowed for a kind we never read, a 400 naming the field for one we do.
    /// </summary>
    private static AdmissionOutcome FromHeaderOnly(ReadOnlySequence<byte> body, JsonException objectError)
    {
        AdmissionReviewHeader? header;
        try
        {
            var reader = new Utf8JsonReader(body);
            header = JsonSerializer.Deserialize(ref reader, WireJsonContext.Default.AdmissionReviewHeader);
        }
        catch (JsonException e)
        {
            return new BadRequest(400, BadRequestCause.MalformedJson, $"request body is not a valid AdmissionReview: {ManifestReader.Describe(e)}");
        }

        if (Envelope(header?.ApiVersion, header?.Kind, header?.Request) is { } bad)
        {
            return bad;
        }

        var request = header!.Request!;
        if (ParseOperation(request.Operation) is null)
        {
            return new BadRequest(400, BadRequestCause.InvalidOperation, $"request.operation \"{Clip(request.Operation)}\" is not CREATE, UPDATE, DELETE or CONNECT", request.Uid);
        }

        return HandledKinds.Find(request.Kind?.Group, request.Kind?.Kind) is { } kind
            ? new BadRequest(400, BadRequestCause.InvalidObject, $"request object is not a valid {kind.Kind}: {ManifestReader.Describe(objectError)}", request.Uid)
            : Allow(request);
    }

    private static BadRequest? Envelope(string? apiVersion, string? kind, AdmissionRequestHeader? request)
    {
        if (apiVersion != ApiVersion || kind != "AdmissionReview")
        {
            return new BadRequest(400, BadRequestCause.NotAdmissionReview, $"expected apiVersion {ApiVersion} and kind AdmissionReview, got \"{Clip(apiVersion)}\" and \"{Clip(kind)}\"");
        }

        if (request is null)
        {
            return new BadRequest(400, BadRequestCause.MissingRequest, "AdmissionReview has no request");
        }

        return string.IsNullOrEmpty(request.Uid)
            ? new BadRequest(400, BadRequestCause.MissingUid, "AdmissionReview request has no uid")
            : null;
    }

    private static Operation? ParseOperation(string? operation) => operation switch
    {
        "CREATE" => Operation.Create,
        "UPDATE" => Operation.Update,
        "DELETE" => Operation.Delete,
        "CONNECT" => Operation.Connect,
        _ => null,
    };

    private static string Clip(string? value) => value is null ? string.Empty : value.Length > 64 ? value[..64] + "..." : value;
}
