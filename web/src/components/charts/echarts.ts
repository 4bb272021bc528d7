/** ECharts with only the pieces we use (keeps the chunk small). Imported only by chart components. */
import * as echarts from 'echarts/core'
import { BarChart, LineChart, PieChart, TreemapChart, SunburstChart } from 'echarts/charts'
import { GridComponent, TooltipComponent, LegendComponent, TitleComponent, DatasetComponent, GraphicComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, LineChart, PieChart, TreemapChart, SunburstChart, GridComponent, TooltipComponent, LegendComponent, TitleComponent, DatasetComponent, GraphicComponent, CanvasRenderer])

export { echarts }
export type { EChartsCoreOption as EChartsOption } from 'echarts/core'
