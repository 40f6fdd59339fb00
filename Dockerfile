# Multi-stage build: the SDK image publishes, the runtime image runs the app as a non-root user.
# The final stage holds the published app and nothing else; it runs on a read-only root filesystem
# (the Deployment mounts an emptyDir at /tmp, the only place .NET writes).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/WaypointWebhook.Policy/WaypointWebhook.Policy.csproj src/WaypointWebhook.Policy/
COPY src/WaypointWebhook/WaypointWebhook.csproj src/WaypointWebhook/
RUN dotnet restore src/WaypointWebhook/WaypointWebhook.csproj
COPY src/ src/
RUN dotnet publish src/WaypointWebhook/WaypointWebhook.csproj -c Release --no-restore -o /app /p:UseAppHost=false

# Chiseled: no shell, no package manager, a non-root "app" user (uid 1654) by default.
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS runtime
WORKDIR /app
COPY --from=build /app ./
# No default HTTP port: the webhook binds its two ports itself. Workstation GC comes with the app
# (ServerGarbageCollection in its project, so its runtimeconfig.json); the heap limit belongs to the
# Deployment beside the container's memory limit (deploy/base/deployment.yaml).
ENV ASPNETCORE_HTTP_PORTS=
USER 1654:1654
EXPOSE 8443 8080
ENTRYPOINT ["dotnet", "/app/WaypointWebhook.dll"]
CMD ["serve", "--port", "8443", "--health-port", "8080", "--tls-cert-file", "/etc/webhook/certs/tls.crt", "--tls-private-key-file", "/etc/webhook/certs/tls.key"]
