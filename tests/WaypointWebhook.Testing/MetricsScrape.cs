using System.Globalization;
using System.Text;
using Prometheus;

namespace WaypointWebhook.Testing;

/// <summary>The webhook's own metrics as Prometheus scrapes them (health port, <c>/metrics</c>).</summary>
public static class MetricsScrape
{
    /// <summary>The sum of a series over its label sets, filtered by a label substring.</summary>
    public static async Task<double> Sum(int healthPort, string series, string? labelFilter = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return Sum(await http.GetStringAsync($"http://127.0.0.1:{healthPort}/metrics"), series, labelFilter);
    }

    /// <summary>The text <c>/metrics</c> would answer for a registry, without a server.</summary>
    public static async Task<string> Text(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The one line of a series with exactly these labels (as exported: sorted as declared), or null.</summary>
    public static double? Value(string scrape, string seriesWithLabels)
    {
        foreach (var line in scrape.Split('\n'))
        {
            if (line.StartsWith(seriesWithLabels + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(seriesWithLabels.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>The sum of a series in a scrape's text over its label sets, filtered by a label substring.</summary>
    public static double Sum(string scrape, string series, string? labelFilter = null)
    {
        double sum = 0;
        foreach (var line in scrape.Split('\n'))
        {
            if (!line.StartsWith(series + "{", StringComparison.Ordinal) && !line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                continue;
            }

            if (labelFilter is not null && !line.Contains(labelFilter, StringComparison.Ordinal))
            {
                continue;
            }

            sum += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }

        return sum;
    }
}
