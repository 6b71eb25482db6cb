// Command searchbench measures the embedded search engine at scale: it
// indexes n realistic startup profiles into a fresh bleve index on disk,
// reports build time and size, then the latency (p50/p99) of 1-, 2-, 3- and
// 4-character Chinese queries and English typo queries, each with a sector
// filter and the three facets, against a filter-only query (no text) as
// the baseline of the same run.
//
//	go run ./scripts/searchbench -n 100000
//
// docs/BENCHMARKS.md records the figures.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/yuechuang/yuechuang/search"
)

var sectors = []struct {
	code    string
	words   []string // product words, Chinese
	english []string
}{
	{"ic", []string{"芯片", "集成电路", "功率半导体", "传感器", "封装测试"}, []string{"semiconductor", "chip", "wafer"}},
	{"ai", []string{"大模型", "人工智能", "机器视觉", "智能客服", "知识图谱"}, []string{"intelligence", "vision", "learning"}},
	{"biomedicine", []string{"创新药", "疫苗", "细胞治疗", "基因检测", "中药"}, []string{"biotech", "vaccine", "therapy"}},
	{"textiles", []string{"面料", "纺织", "印染", "服装", "纤维"}, []string{"textile", "fabric", "fashion"}},
	{"robotics", []string{"机器人", "数控机床", "自动化", "智能制造", "协作臂"}, []string{"robotics", "automation", "machine"}},
	{"new-energy", []string{"光伏", "储能", "氢能", "电池", "充电桩"}, []string{"battery", "solar", "storage"}},
	{"food-huangjiu", []string{"黄酒", "茶饮", "预制菜", "食品", "酿造"}, []string{"beverage", "brewing", "food"}},
	{"enterprise-software", []string{"企业服务", "软件", "数字化", "财税", "供应链"}, []string{"software", "platform", "enterprise"}},
}

var places = []string{"越", "柯", "鉴湖", "兰亭", "会稽", "若耶", "稽山", "曹娥", "浣纱", "东浦", "古越", "镜湖", "舜江", "剡溪"}
var suffixes = []string{"科技", "智能", "生物", "新材料", "信息", "电子", "股份"}
var districts = []string{"yuecheng", "keqiao", "shangyu", "zhuji", "shengzhou", "xinchang", "binhai"}
var stages = []string{"idea", "seed", "angel", "pre-a", "a", "b", "c-plus", "pre-ipo"}
var filler = []string{"团队来自浙江大学", "已服务多家龙头企业", "拥有多项发明专利", "本轮融资用于市场拓展", "产品已进入量产阶段", "与高校共建实验室"}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func gen(n int) []search.Document {
	r := rand.New(rand.NewPCG(100, 1))
	out := make([]search.Document, n)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		sec := pick(r, sectors)
		w1, w2 := pick(r, sec.words), pick(r, sec.words)
		name := pick(r, places) + string([]rune(w1)[:1]) + pick(r, suffixes)
		summary := "面向" + pick(r, []string{"制造企业", "医院", "消费者", "外贸企业", "园区"}) + "的" + w1
		body := fmt.Sprintf("%s专注于%s与%s，%s，%s。English summary: %s %s for %s.", name, w1, w2, pick(r, filler), pick(r, filler),
			pick(r, sec.english), pick(r, sec.english), pick(r, []string{"factories", "hospitals", "retail"}))
		id := fmt.Sprintf("%024x", i)
		pub, _ := json.Marshal(map[string]any{"id": id, "name": name, "oneLiner": summary, "sector": sec.code})
		out[i] = search.Document{ID: id, Kind: search.KindStartup, Name: name, Summary: summary, Body: body,
			Tags: []string{w1}, Sectors: []string{sec.code}, Stages: []string{pick(r, stages)}, Districts: []string{pick(r, districts)},
			AskWan: float64(20 + r.IntN(5000)), UpdatedAt: t0.Add(time.Duration(i) * time.Minute), Public: pub}
	}
	return out
}

func main() {
	n := flag.Int("n", 100000, "startup profiles to index")
	reps := flag.Int("reps", 300, "queries per class")
	dir := flag.String("dir", "", "index folder (default: a new temporary folder, removed afterwards)")
	flag.Parse()
	if *dir == "" {
		tmp, err := os.MkdirTemp("", "searchbench")
		if err != nil {
			fail(err)
		}
		defer os.RemoveAll(tmp)
		*dir = filepath.Join(tmp, "idx")
	}
	ctx := context.Background()
	docs := gen(*n)
	eng, err := search.OpenBleve(*dir)
	if err != nil {
		fail(err)
	}
	defer eng.Close()
	start := time.Now()
	for i := 0; i < len(docs); i += 5000 {
		if err := eng.Upsert(ctx, docs[i:min(len(docs), i+5000)]); err != nil {
			fail(err)
		}
	}
	build := time.Since(start)
	var size int64
	_ = filepath.WalkDir(*dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				size += info.Size()
			}
		}
		return nil
	})
	fmt.Printf("searchbench: %d startups indexed in %s (%.0f docs/s), %.1f MiB on disk\n\n", *n, build.Round(time.Millisecond),
		float64(*n)/build.Seconds(), float64(size)/(1<<20))

	classes := []struct {
		name  string
		terms []string
	}{
		{"filter + facets, no text (baseline)", []string{""}},
		{"1 Chinese character", []string{"芯", "药", "酒", "纺", "光"}},
		{"2 Chinese characters", []string{"芯片", "储能", "黄酒", "面料", "疫苗"}},
		{"3 Chinese characters", []string{"大模型", "创新药", "机器人", "预制菜", "充电桩"}},
		{"4+ Chinese characters", []string{"集成电路", "人工智能", "细胞治疗", "智能制造", "功率半导体"}},
		{"English typo", []string{"semicondutor", "robtics", "batery", "textle", "sofware"}},
	}
	fmt.Println("| query | p50 ms | p99 ms | mean hits |")
	fmt.Println("|---|---|---|---|")
	r := rand.New(rand.NewPCG(5, 5))
	for _, c := range classes {
		var lat []time.Duration
		hits := 0
		for i := 0; i < *reps; i++ {
			q := search.Query{Text: pick(r, c.terms), Kind: search.KindStartup, Sector: pick(r, sectors).code, Limit: 20}
			t := time.Now()
			res, err := eng.Search(ctx, q)
			if err != nil {
				fail(err)
			}
			lat = append(lat, time.Since(t))
			hits += res.Total
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		fmt.Printf("| %s | %.2f | %.2f | %d |\n", c.name, ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100]), hits / *reps)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "searchbench:", err)
	os.Exit(1)
}
