using System.Buffers;
using System.Diagnostics.CodeAnalysis;
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
public sealed class AdmissionHandler(WaypointPolicy policy, IClusterViewSource viewSource)
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
        var (early, review) = Decode(body);
        if (review is null)
        {
            return early ?? throw new InvalidOperationException("a review decodes to an outcome or an envelope");
        }

        if (viewSource.Current is not { } view)
        {
            // Readiness keeps the API server away until the view is loaded; answer as failurePolicy would.
            return new Refused(503, RefusalCause.NotReady, "the cluster view is not loaded yet: " + viewSource.Describe(), review.Identity.Uid);
        }

        if (review.Operation == Operation.Delete && endpoint == AdmissionEndpoint.Mutate)
        {
            // Nothing to patch on a DELETE; only /validate reports what it unbinds.
            return Allow(review.Identity);
        }

        var subject = SubjectReader.Read(review.Kind, review.Object, review.Identity.Namespace, review.Identity.Name);

        // A DELETE's reverse check reads the consumer index alone: no object of the view can be missing for it.
        var misses = endpoint == AdmissionEndpoint.Validate && review.Operation != Operation.Delete ? MissFinder.Find(subject, view, policy.Options) : ViewMisses.None;
        if (!misses.IsEmpty)
        {
            view = await viewSource.ConfirmAsync(view, misses, cancellationToken).ConfigureAwait(false);
        }

        return endpoint == AdmissionEndpoint.Validate
            ? Validate(policy, review, subject, view)
            : Mutate(policy, review, subject, view);
    }

    /// <summary>A review read as far as it goes: an outcome already (a bad request, an unevaluated allow), or an envelope to judge.</summary>
    private static (AdmissionOutcome? Outcome, AdmissionEnvelope? Review) Decode(ReadOnlySequence<byte> body)
    {
        if (body.IsEmpty)
        {
            return (new Refused(400, RefusalCause.EmptyBody, "request body is empty: expected an AdmissionReview (admission.k8s.io/v1)"), null);
        }

        AdmissionReviewRequest? review;
        try
        {
            var reader = new Utf8JsonReader(body);
            review = JsonSerializer.Deserialize(ref reader, WireJsonContext.Default.AdmissionReviewRequest);
            if (HasTrailingData(ref reader))
            {
                return (new Refused(400, RefusalCause.MalformedJson, "request body has data after the AdmissionReview: expected exactly one JSON object"), null);
            }
        }
        catch (JsonException objectError)
        {
            return (FromHeaderOnly(body, objectError), null);
        }

        if (!IsEnvelope(review?.ApiVersion, review?.Kind, review?.Request, out var bad))
        {
            return (bad, null);
        }

        var request = review.Request;
        if (ParseOperation(request.Operation) is not { } operation)
        {
            return (new Refused(400, RefusalCause.InvalidOperation, $"request.operation \"{Clip(request.Operation)}\" is not CREATE, UPDATE, DELETE or CONNECT", request.Uid), null);
        }

        var identity = Identity(request, request.Operation ?? string.Empty);
        var kind = HandledKinds.Find(request.Kind?.Group, request.Kind?.Kind);
        if (kind is null || operation is Operation.Connect || (operation is Operation.Delete && !IsReverseChecked(kind)))
        {
            return (Allow(identity), null);
        }

        if (operation is Operation.Delete)
        {
            // The reverse check judges the Gateway's consumers without it (spec section 7); what is deleted
            // is in oldObject. An API server before 1.15 sends none: nothing to judge, so nothing to refuse.
            return request.OldObject is { } deleted
                ? (null, new AdmissionEnvelope(identity, operation, kind, deleted, deleted))
                : (Allow(identity), null);
        }

        if (request.Object is not { } obj)
        {
            return (new Refused(400, RefusalCause.InvalidObject, $"request.object is required for {request.Operation} of {kind.Kind}", request.Uid), null);
        }

        return (null, new AdmissionEnvelope(identity, operation, kind, obj, request.OldObject));
    }

    /// <summary>The kinds whose DELETE can unbind other objects: what the reverse check reads on DELETE.</summary>
    private static bool IsReverseChecked(HandledKind kind) => kind.Subject is SubjectKind.Gateway or SubjectKind.GatewayClass;

    /// <summary>The request's identity; its uid was checked by <see cref="Envelope"/>.</summary>
    private static RequestIdentity Identity(AdmissionRequestHeader request, string operation) =>
        new(request.Uid ?? string.Empty, request.Kind?.Kind ?? string.Empty, request.Namespace, request.Name, operation, request.DryRun == true);

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

    private static Answered Validate(WaypointPolicy policy, AdmissionEnvelope review, Subject subject, IClusterView view)
    {
        // On DELETE the subject read is the deleted object: the policy takes it as the old one, with no new one.
        var deleting = review.Operation == Operation.Delete;
        var old = deleting ? subject : review.OldObject is null ? null : SubjectReader.Read(review.Kind, review.OldObject, review.Identity.Namespace, review.Identity.Name);
        var decision = policy.Review(review.Operation, deleting ? null : subject, old, view);
        var response = new AdmissionResponse { Uid = review.Identity.Uid, Allowed = decision.Allowed };
        if (!decision.Allowed)
        {
            response.Status = new AdmissionStatus { Code = 403, Reason = "Forbidden", Message = AdmissionMessages.DenyMessage(decision.Denials) };
        }

        if (decision.Warnings.Count > 0)
        {
            response.Warnings = AdmissionMessages.Warnings(decision.Warnings);
        }

        return Answer(review, subject, response, decision.Denials, decision.Warnings);
    }

    private static Answered Mutate(WaypointPolicy policy, AdmissionEnvelope review, Subject subject, IClusterView view)
    {
        var response = new AdmissionResponse { Uid = review.Identity.Uid, Allowed = true };
        if (subject is GatewaySubject gateway && policy.DefaultTrafficType(review.Operation, gateway, view) is { } trafficType)
        {
            // The annotation records that the webhook stamped the label, not a person (spec sections 6, 7).
            response.Patch = JsonPatch.AddLabelAndAnnotation(
                review.Object,
                (WaypointLabels.WaypointFor, trafficType),
                (WaypointLabels.DefaultedAnnotation, WaypointLabels.DefaultedWaypointFor));
            response.PatchType = JsonPatch.PatchType;
        }

        return Answer(review, subject, response, [], []);
    }

    private static Answered Allow(RequestIdentity identity) =>
        new(identity, new AdmissionReviewResponse { Response = new AdmissionResponse { Uid = identity.Uid, Allowed = true } }, [], [], Evaluated: false);

    /// <summary>An evaluated answer, named as the policy names the object (a generated name shows as <c>prefix*</c>).</summary>
    private static Answered Answer(AdmissionEnvelope review, Subject subject, AdmissionResponse response, IReadOnlyList<Finding> denials, IReadOnlyList<Finding> warnings) =>
        new(
            review.Identity with { Kind = subject.Object.Kind, Namespace = subject.Object.Namespace, Name = subject.Object.Name },
            new AdmissionReviewResponse { Response = response },
            denials,
            warnings,
            Evaluated: true);

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
            return new Refused(400, RefusalCause.MalformedJson, $"request body is not a valid AdmissionReview: {JsonErrors.Describe(e)}");
        }

        if (!IsEnvelope(header?.ApiVersion, header?.Kind, header?.Request, out var bad))
        {
            return bad;
        }

        var request = header.Request;
        if (ParseOperation(request.Operation) is null)
        {
            return new Refused(400, RefusalCause.InvalidOperation, $"request.operation \"{Clip(request.Operation)}\" is not CREATE, UPDATE, DELETE or CONNECT", request.Uid);
        }

        return HandledKinds.Find(request.Kind?.Group, request.Kind?.Kind) is { } kind
            ? new Refused(400, RefusalCause.InvalidObject, $"request object is not a valid {kind.Kind}: {JsonErrors.Describe(objectError)}", request.Uid)
            : Allow(Identity(request, request.Operation ?? string.Empty));
    }

    /// <summary>Whether the envelope is an AdmissionReview v1 with a request and a uid; else why not.</summary>
    private static bool IsEnvelope(string? apiVersion, string? kind, [NotNullWhen(true)] AdmissionRequestHeader? request, [NotNullWhen(false)] out Refused? bad)
    {
        bad = apiVersion != ApiVersion || kind != "AdmissionReview"
            ? new Refused(400, RefusalCause.NotAdmissionReview, $"expected apiVersion {ApiVersion} and kind AdmissionReview, got \"{Clip(apiVersion)}\" and \"{Clip(kind)}\"")
            : request is null
                ? new Refused(400, RefusalCause.MissingRequest, "AdmissionReview has no request")
                : string.IsNullOrEmpty(request.Uid)
                    ? new Refused(400, RefusalCause.MissingUid, "AdmissionReview request has no uid")
                    : null;
        return bad is null;
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
