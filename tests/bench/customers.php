<?php
/*
 * The PHP yardstick for tests/bench/run: the same work as Kiln's
 * customer list (GET /crm/customers), written the way a plain PHP-FPM
 * application would write it.
 *
 *   ?                          first page, 50 rows ordered by name, id
 *   ?after_name=N&after_id=I   keyset page after the row (N, I)
 *   ?q=TEXT                    substring search via the FTS5 trigram index
 *
 * The database path comes from the FastCGI parameter BENCH_DB (set per
 * nginx server block by the harness); BENCH_PHP_PERSISTENT=1 keeps one
 * PDO connection per FPM child instead of opening the file per request.
 */
declare(strict_types=1);

$db_path = $_SERVER['BENCH_DB'] ?? getenv('BENCH_DB');
if (!$db_path) {
	http_response_code(500);
	exit("BENCH_DB not set\n");
}
$persistent = ($_SERVER['BENCH_PHP_PERSISTENT'] ?? '0') === '1';
$base = '/php/customers.php';
$limit = 50;

function h(string $s): string
{
	return htmlspecialchars($s, ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML5,
	    'UTF-8');
}

function money(int $minor): string
{
	return number_format(intdiv($minor, 100), 0, '.', ',') . '.' .
	    sprintf('%02d', abs($minor % 100));
}

/* An FTS5 string literal: the whole input as one phrase, quotes doubled. */
function fts_phrase(string $q): string
{
	return '"' . str_replace('"', '""', $q) . '"';
}

$cols = 'id, name, code, segment, owner, city, credit_limit';
$q = isset($_GET['q']) ? trim((string)$_GET['q']) : '';
$after_name = $_GET['after_name'] ?? null;
$after_id = isset($_GET['after_id']) ? (int)$_GET['after_id'] : null;

try {
	$pdo = new PDO('sqlite:' . $db_path, null, null, [
		PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
		PDO::ATTR_PERSISTENT => $persistent,
	]);
	$pdo->exec('PRAGMA busy_timeout = 5000');

	$where = [];
	$args = [];
	if ($q !== '') {
		$where[] = 'id IN (SELECT rowid FROM customers_fts'
		    . ' WHERE customers_fts MATCH ?)';
		$args[] = fts_phrase($q);
	}
	if ($after_name !== null && $after_id !== null) {
		$where[] = '(name, id) > (?, ?)';
		$args[] = (string)$after_name;
		$args[] = $after_id;
	}
	$sql = "SELECT $cols FROM customers"
	    . ($where ? ' WHERE ' . implode(' AND ', $where) : '')
	    . ' ORDER BY name, id LIMIT ' . $limit;
	$st = $pdo->prepare($sql);
	$st->execute($args);
	$rows = $st->fetchAll(PDO::FETCH_NUM);
} catch (PDOException $e) {
	http_response_code(500);
	error_log('customers.php: ' . $e->getMessage());
	exit("internal error\n");
}

header('Content-Type: text/html; charset=utf-8');
$qs_q = $q !== '' ? '&q=' . rawurlencode($q) : '';
?>
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Customers — Kiln</title>
<link rel="stylesheet" href="/crm/static/kiln.css">
</head>
<body>
<header><a class="brand" href="/crm/">Kiln</a>
<nav><a href="/crm/customers">Customers</a> <a href="/crm/deals">Deals</a>
<a href="/crm/orders">Orders</a> <a href="/crm/tickets">Service</a>
<a href="/crm/reports">Reports</a></nav>
<form method="post" action="/crm/logout"><button>Log out</button></form>
</header>
<main>
<h1>Customers</h1>
<form class="search" method="get" action="<?= h($base) ?>">
<input type="search" name="q" value="<?= h($q) ?>" placeholder="Search customers">
<button>Search</button> <a href="/crm/customers/new">New customer</a>
</form>
<table class="list">
<thead><tr><th>Name</th><th>Code</th><th>Segment</th><th>Owner</th><th>City</th><th class="num">Credit limit</th></tr></thead>
<tbody>
<?php foreach ($rows as [$id, $name, $code, $segment, $owner, $city, $credit]): ?>
<tr><td><a href="/crm/customers/<?= (int)$id ?>"><?= h((string)$name) ?></a></td><td><?= h((string)$code) ?></td><td><?= h((string)$segment) ?></td><td><?= $owner === null ? '' : '<a href="/crm/users/' . (int)$owner . '">' . (int)$owner . '</a>' ?></td><td><?= h((string)$city) ?></td><td class="num"><?= h(money((int)$credit)) ?> CNY</td></tr>
<?php endforeach; ?>
</tbody>
</table>
<?php if (count($rows) === $limit):
	$last = $rows[$limit - 1]; ?>
<p class="pager"><a rel="next" href="<?= h($base . '?after_name=' . rawurlencode((string)$last[1]) . '&after_id=' . (int)$last[0] . $qs_q) ?>">Next page</a></p>
<?php endif; ?>
</main>
</body>
</html>
